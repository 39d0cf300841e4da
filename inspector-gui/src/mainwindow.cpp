#include "mainwindow.h"

#include "apikeystore.h"
#include "client/boilerhouseclient.h"
#include "client/statestore.h"
#include "connectionbar.h"
#include "feedmodel.h"
#include "feedpanel.h"
#include "instancesmodel.h"
#include "poolsmodel.h"
#include "ratechart.h"
#include "storebinding.h"
#include "tenantsmodel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcWindow, "bh.gui")

namespace bh::gui {

namespace {
QString settingsKey(const char *key)
{
    return QString::fromLatin1(key);
}

// Default column widths of the instances table in pixels (a restored layout overrides them).
constexpr int kInstanceColumnWidths[InstancesModel::ColumnCount] = { 215, 75, 115, 75,
                                                                     85,  95, 65,  90 };
// Default splitter sizes in pixels for a 1360x860 window (restored layouts override them).
constexpr int kTopSplitterSizes[] = { 880, 470 };
constexpr int kSideSplitterSizes[] = { 170, 300 };

QWidget *titled(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(content);
    return box;
}
} // namespace

MainWindow::MainWindow(const InspectorOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_client(new client::BoilerhouseClient(this))
    , m_keys(new ApiKeyStore(this))
{
    setWindowTitle(tr("Boilerhouse Inspector"));

    m_connectionBar = new ConnectionBar(this);
    m_feed = new FeedPanel(this);
    m_chart = new RateChart(&m_rates, this);

    m_instances = new InstancesModel(this);
    m_instancesProxy = new QSortFilterProxyModel(this);
    m_instancesProxy->setSourceModel(m_instances);
    m_instancesProxy->setSortRole(InstancesModel::SortRole);
    m_instancesProxy->setFilterKeyColumn(-1);
    m_instancesProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_instancesProxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_instancesView = new QTableView(this);
    m_instancesView->setObjectName(QStringLiteral("instancesView"));
    m_instancesView->setModel(m_instancesProxy);
    m_instancesView->setSortingEnabled(true);
    m_instancesView->sortByColumn(InstancesModel::NameColumn, Qt::AscendingOrder);
    m_instancesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_instancesView->setAlternatingRowColors(true);
    m_instancesView->verticalHeader()->hide();
    m_instancesView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_instancesView->verticalHeader()->setDefaultSectionSize(m_instancesView->fontMetrics().height()
                                                             + 6);
    m_instancesView->horizontalHeader()->setStretchLastSection(true);
    for (int c = 0; c < InstancesModel::ColumnCount; ++c)
        m_instancesView->setColumnWidth(c, kInstanceColumnWidths[c]);
    m_instancesFilter = new QLineEdit(this);
    m_instancesFilter->setObjectName(QStringLiteral("instancesFilter"));
    m_instancesFilter->setClearButtonEnabled(true);
    m_instancesFilter->setPlaceholderText(
        tr("Filter instances (name, phase, workload, tenant, IP)…"));
    connect(m_instancesFilter, &QLineEdit::textChanged, m_instancesProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    auto *instancesPage = new QWidget(this);
    auto *instancesLayout = new QVBoxLayout(instancesPage);
    instancesLayout->setContentsMargins(2, 2, 2, 2);
    instancesLayout->addWidget(m_instancesFilter);
    instancesLayout->addWidget(m_instancesView);

    m_tenants = new TenantsModel(this);
    m_tenantsView = new QTreeView(this);
    m_tenantsView->setObjectName(QStringLiteral("tenantsView"));
    m_tenantsView->setModel(m_tenants);
    m_tenantsView->setAlternatingRowColors(true);
    m_tenantsView->setColumnWidth(TenantsModel::NameColumn, 220);
    connect(m_tenants, &QAbstractItemModel::rowsInserted, m_tenantsView,
            [this](const QModelIndex &parentIndex) {
                if (!parentIndex.isValid())
                    m_tenantsView->expandAll();
            });

    m_pools = new PoolsModel(this);
    m_poolsView = new QTableView(this);
    m_poolsView->setObjectName(QStringLiteral("poolsView"));
    m_poolsView->setModel(m_pools);
    m_poolsView->verticalHeader()->hide();
    m_poolsView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);

    m_binding = new StoreBinding(m_client->store(), m_instances, m_tenants, m_pools, this);

    auto *tabs = new QTabWidget(this);
    tabs->addTab(instancesPage, tr("&Instances"));
    tabs->addTab(m_tenantsView, tr("&Tenants"));

    m_sideSplitter = new QSplitter(Qt::Vertical, this);
    m_sideSplitter->setObjectName(QStringLiteral("sideSplitter"));
    m_sideSplitter->addWidget(titled(tr("Warm pools"), m_poolsView, this));
    m_sideSplitter->addWidget(m_chart);
    m_sideSplitter->setStretchFactor(0, 1);
    m_sideSplitter->setStretchFactor(1, 2);
    m_sideSplitter->setSizes({ kSideSplitterSizes[0], kSideSplitterSizes[1] });

    m_topSplitter = new QSplitter(Qt::Horizontal, this);
    m_topSplitter->setObjectName(QStringLiteral("topSplitter"));
    m_topSplitter->addWidget(tabs);
    m_topSplitter->addWidget(m_sideSplitter);
    m_topSplitter->setStretchFactor(0, 3);
    m_topSplitter->setStretchFactor(1, 2);
    m_topSplitter->setSizes({ kTopSplitterSizes[0], kTopSplitterSizes[1] });

    m_mainSplitter = new QSplitter(Qt::Vertical, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_topSplitter);
    m_mainSplitter->addWidget(titled(tr("Live feed"), m_feed, this));
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 2);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_connectionBar);
    layout->addWidget(m_mainSplitter, 1);
    setCentralWidget(central);

    m_statusConnected = new QLabel(this);
    m_statusEvents = new QLabel(this);
    m_statusReconnects = new QLabel(this);
    m_statusRate = new QLabel(this);
    for (QLabel *label : { m_statusConnected, m_statusEvents, m_statusReconnects, m_statusRate })
        statusBar()->addPermanentWidget(label);
    connect(m_feed, &FeedPanel::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 5000); });

    connect(m_client, &client::BoilerhouseClient::eventReceived, this,
            &MainWindow::onEventReceived);
    connect(m_client, &client::BoilerhouseClient::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_connectionBar, &ConnectionBar::connectRequested, this, &MainWindow::connectTo);
    connect(m_connectionBar, &ConnectionBar::disconnectRequested, this,
            &MainWindow::disconnectFromServer);
    connect(m_connectionBar, &ConnectionBar::urlChosen, this, &MainWindow::onUrlChosen);
    connect(m_keys, &ApiKeyStore::loaded, this, [this](const QString &url, const QString &key) {
        if (m_connectionBar->urlText() == url && m_connectionBar->apiKey().isEmpty()) {
            m_connectionBar->setApiKey(key);
            m_connectionBar->setRememberKey(true);
        }
    });
    connect(m_keys, &ApiKeyStore::failed, this,
            [this](const QString &, ApiKeyStore::Operation op, ApiKeyStore::Error,
                   const QString &message) {
                const QString what = op == ApiKeyStore::Operation::Save ? tr("store")
                    : op == ApiKeyStore::Operation::Load                ? tr("read")
                                                                        : tr("remove");
                statusBar()->showMessage(
                    tr("Keychain: cannot %1 the API key (%2); it was not saved anywhere else")
                        .arg(what, message),
                    10000);
            });
    connect(m_keys, &ApiKeyStore::saved, this, [this](const QString &url) {
        if (!m_rememberedKeyUrls.contains(url))
            m_rememberedKeyUrls.append(url);
        QSettings().setValue(settingsKey("connection/keychainUrls"), m_rememberedKeyUrls);
    });
    connect(m_keys, &ApiKeyStore::forgotten, this, [this](const QString &url) {
        m_rememberedKeyUrls.removeAll(url);
        QSettings().setValue(settingsKey("connection/keychainUrls"), m_rememberedKeyUrls);
    });

    buildMenus();
    restoreSettings();

    if (options.feedCapacity > 0)
        m_feed->model()->setCapacity(options.feedCapacity);
    if (!options.url.isEmpty())
        m_connectionBar->setUrlText(options.url.toString());
    if (!options.apiKey.isEmpty())
        m_connectionBar->setApiKey(options.apiKey);
    else
        onUrlChosen(m_connectionBar->urlText());

    m_statusTimer.setInterval(kStatusIntervalMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    m_statusTimer.start();
    updateStatus();

    if (options.connect) // from the command line: never remember a key read from a file
        connectTo(options.url, options.apiKey, false);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    auto *connectAction = file->addAction(tr("&Connect"));
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    connect(connectAction, &QAction::triggered, m_connectionBar, &ConnectionBar::requestConnect);
    auto *disconnectAction = file->addAction(tr("&Disconnect"));
    disconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    connect(disconnectAction, &QAction::triggered, this, &MainWindow::disconnectFromServer);
    file->addSeparator();
    file->addAction(m_feed->exportAction());
    file->addSeparator();
    auto *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *feed = menuBar()->addMenu(tr("F&eed"));
    feed->addAction(m_feed->focusFilterAction());
    feed->addAction(m_feed->pauseAction());
    feed->addAction(m_feed->clearAction());
    feed->addAction(m_feed->followTailAction());
    feed->addAction(m_feed->copyAction());

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *filterInstances = view->addAction(tr("Filter &instances"));
    filterInstances->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(filterInstances, &QAction::triggered, this, [this] {
        m_instancesFilter->setFocus(Qt::ShortcutFocusReason);
        m_instancesFilter->selectAll();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    connect(help->addAction(tr("&About")), &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("Boilerhouse Inspector"),
                           tr("A live view of a Boilerhouse events server: instances, tenants, "
                              "warm pools and every event of /ws."));
    });
}

void MainWindow::connectTo(const QUrl &url, const QString &apiKey, bool rememberKey)
{
    const QString urlText = url.toString();
    m_connectionBar->addRecentUrl(urlText);
    if (rememberKey && !apiKey.isEmpty())
        m_keys->save(urlText, apiKey);
    else if (!rememberKey && m_rememberedKeyUrls.contains(urlText))
        m_keys->forget(urlText);
    QSettings().setValue(settingsKey("connection/recentUrls"), m_connectionBar->recentUrls());
    qCInfo(lcWindow) << "connecting to" << urlText;
    m_client->connectToServer(url, apiKey);
    onStateChanged();
}

void MainWindow::disconnectFromServer()
{
    m_client->disconnectFromServer();
}

void MainWindow::onUrlChosen(const QString &url)
{
    // Only URLs whose key was stored ask the keychain (no prompt for others).
    if (m_rememberedKeyUrls.contains(url))
        m_keys->load(url);
}

void MainWindow::onEventReceived(const protocol::Event &event, const QDateTime &receivedAt)
{
    m_feed->model()->append(event, receivedAt);
    m_rates.record(event.type, receivedAt.toMSecsSinceEpoch());
}

void MainWindow::onStateChanged()
{
    using S = client::ConnectionState;
    const S state = m_client->state();
    QString detail = m_client->stateReason();
    if (state == S::Live) {
        detail = tr("%1 since %2")
                     .arg(m_client->config().serverUrl.toString(),
                          m_client->stats().connectedSince.toLocalTime().toString(
                              QStringLiteral("HH:mm:ss")));
    } else if (m_client->lastError() != client::ClientError::None
               && !detail.contains(m_client->lastErrorString())) {
        detail = detail.isEmpty()
            ? m_client->lastErrorString()
            : tr("%1 (last error: %2)").arg(detail, m_client->lastErrorString());
    }
    m_connectionBar->setConnectionState(state, detail);
    updateStatus();
}

void MainWindow::updateStatus()
{
    const client::ClientStats stats = m_client->stats();
    m_statusConnected->setText(
        stats.connectedSince.isValid()
            ? tr("Connected since %1")
                  .arg(stats.connectedSince.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
            : tr("Not connected"));
    m_statusEvents->setText(tr("Events: %L1").arg(m_feed->model()->totalReceived()));
    m_statusReconnects->setText(tr("Reconnects: %L1").arg(stats.reconnects));
    m_statusRate->setText(
        tr("Rate: %L1/s").arg(m_rates.currentRate(QDateTime::currentMSecsSinceEpoch()), 0, 'f', 1));
}

QString MainWindow::statusText() const
{
    return QStringList { m_statusConnected->text(), m_statusEvents->text(),
                         m_statusReconnects->text(), m_statusRate->text() }
        .join(QLatin1String(" | "));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(settingsKey("window/geometry")).toByteArray());
    restoreState(settings.value(settingsKey("window/state")).toByteArray());
    m_mainSplitter->restoreState(settings.value(settingsKey("window/mainSplitter")).toByteArray());
    m_topSplitter->restoreState(settings.value(settingsKey("window/topSplitter")).toByteArray());
    m_sideSplitter->restoreState(settings.value(settingsKey("window/sideSplitter")).toByteArray());
    m_instancesView->horizontalHeader()->restoreState(
        settings.value(settingsKey("instances/header")).toByteArray());
    m_instancesFilter->setText(settings.value(settingsKey("instances/filterText")).toString());
    m_feed->restoreState(settings);
    m_rememberedKeyUrls = settings.value(settingsKey("connection/keychainUrls")).toStringList();
    const QStringList recent = settings.value(settingsKey("connection/recentUrls")).toStringList();
    m_connectionBar->setRecentUrls(recent);
    if (!recent.isEmpty())
        m_connectionBar->setUrlText(recent.first());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(settingsKey("window/geometry"), saveGeometry());
    settings.setValue(settingsKey("window/state"), saveState());
    settings.setValue(settingsKey("window/mainSplitter"), m_mainSplitter->saveState());
    settings.setValue(settingsKey("window/topSplitter"), m_topSplitter->saveState());
    settings.setValue(settingsKey("window/sideSplitter"), m_sideSplitter->saveState());
    settings.setValue(settingsKey("instances/header"),
                      m_instancesView->horizontalHeader()->saveState());
    settings.setValue(settingsKey("instances/filterText"), m_instancesFilter->text());
    m_feed->saveState(settings);
    settings.setValue(settingsKey("connection/recentUrls"), m_connectionBar->recentUrls());
    settings.setValue(settingsKey("connection/keychainUrls"), m_rememberedKeyUrls);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    m_client->disconnectFromServer();
    QMainWindow::closeEvent(event);
}

} // namespace bh::gui
