#pragma once

#include "eventratetracker.h"
#include "inspectoroptions.h"
#include "protocol/event.h"

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QTreeView;

namespace bh::client {
class BoilerhouseClient;
}

namespace bh::gui {

class ApiKeyStore;
class ConnectionBar;
class FeedPanel;
class InstancesModel;
class PoolsModel;
class RateChart;
class StoreBinding;
class TenantsModel;

// The inspector window: connection bar; instances / tenants tabs beside pools and the rate
// chart; the live feed below. Owns one BoilerhouseClient; every view reads the client's store
// through models. Settings (QSettings "Boilerhouse"/"inspector") are restored on construction
// and saved on close.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The status bar is refreshed once a second.
    static constexpr int kStatusIntervalMs = 1000;

    explicit MainWindow(const InspectorOptions &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    client::BoilerhouseClient *client() const { return m_client; }
    ConnectionBar *connectionBar() const { return m_connectionBar; }
    FeedPanel *feedPanel() const { return m_feed; }
    InstancesModel *instancesModel() const { return m_instances; }
    QSortFilterProxyModel *instancesProxy() const { return m_instancesProxy; }
    QTableView *instancesView() const { return m_instancesView; }
    QLineEdit *instancesFilter() const { return m_instancesFilter; }
    TenantsModel *tenantsModel() const { return m_tenants; }
    PoolsModel *poolsModel() const { return m_pools; }
    RateChart *rateChart() const { return m_chart; }
    ApiKeyStore *apiKeyStore() const { return m_keys; }
    const EventRateTracker &rates() const { return m_rates; }
    // The status bar's text fields, joined (for tests and screenshots).
    QString statusText() const;

    // Connects to url (remembering it, and the key in the keychain when asked).
    void connectTo(const QUrl &url, const QString &apiKey, bool rememberKey);
    void disconnectFromServer();

public slots:
    // Everything the window does per received event: the feed and the rate. Public so a
    // benchmark can drive the same path at a chosen rate.
    void onEventReceived(const bh::protocol::Event &event, const QDateTime &receivedAt);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void restoreSettings();
    void saveSettings() const;
    void updateStatus();
    void onStateChanged();
    void onUrlChosen(const QString &url);

    client::BoilerhouseClient *m_client = nullptr;
    ApiKeyStore *m_keys = nullptr;
    ConnectionBar *m_connectionBar = nullptr;
    FeedPanel *m_feed = nullptr;
    EventRateTracker m_rates;
    RateChart *m_chart = nullptr;
    InstancesModel *m_instances = nullptr;
    QSortFilterProxyModel *m_instancesProxy = nullptr;
    QTableView *m_instancesView = nullptr;
    QLineEdit *m_instancesFilter = nullptr;
    TenantsModel *m_tenants = nullptr;
    QTreeView *m_tenantsView = nullptr;
    PoolsModel *m_pools = nullptr;
    QTableView *m_poolsView = nullptr;
    StoreBinding *m_binding = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_topSplitter = nullptr;
    QSplitter *m_sideSplitter = nullptr;
    QLabel *m_statusConnected = nullptr;
    QLabel *m_statusEvents = nullptr;
    QLabel *m_statusReconnects = nullptr;
    QLabel *m_statusRate = nullptr;
    QTimer m_statusTimer;
    QStringList m_rememberedKeyUrls; // URLs whose key is in the keychain (not the keys)
};

} // namespace bh::gui
