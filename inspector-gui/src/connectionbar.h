#pragma once

#include "client/clienttypes.h"

#include <QUrl>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace bh::gui {

// Server URL (editable, with recent URLs), API key (masked) with "remember", connect /
// disconnect, and an indicator that says in words what the connection is doing and why it
// last failed. Emits requests; the window owns the client.
class ConnectionBar : public QWidget
{
    Q_OBJECT
public:
    // Recent URLs remembered in the combo box: the last 10.
    static constexpr int kMaxRecentUrls = 10;

    explicit ConnectionBar(QWidget *parent = nullptr);

    QString urlText() const;
    void setUrlText(const QString &url);
    QString apiKey() const;
    void setApiKey(const QString &key);
    bool rememberKey() const;
    void setRememberKey(bool remember);

    // Most recent first, at most kMaxRecentUrls.
    QStringList recentUrls() const;
    void setRecentUrls(const QStringList &urls);
    void addRecentUrl(const QString &url);

    // Shows the client's state; `detail` is the reason or the last error in words.
    void setConnectionState(client::ConnectionState state, const QString &detail);
    // Shows a local problem (bad URL, keychain) without changing the state.
    void showProblem(const QString &text);

    QString indicatorText() const;
    QComboBox *urlCombo() const { return m_url; }
    QLineEdit *apiKeyEdit() const { return m_key; }
    QPushButton *connectButton() const { return m_button; }

    // Validates the URL and emits connectRequested, or shows why it cannot.
    void requestConnect();

signals:
    void connectRequested(const QUrl &url, const QString &apiKey, bool rememberKey);
    void disconnectRequested();
    void urlChosen(const QString &url);

private:
    QComboBox *m_url = nullptr;
    QLineEdit *m_key = nullptr;
    QCheckBox *m_remember = nullptr;
    QPushButton *m_button = nullptr;
    QLabel *m_lamp = nullptr;
    QLabel *m_text = nullptr;
    client::ConnectionState m_state = client::ConnectionState::Disconnected;
};

} // namespace bh::gui
