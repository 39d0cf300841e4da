#include "feedpanel.h"

#include "eventjson.h"
#include "eventstyle.h"
#include "feedfilterproxy.h"
#include "feedmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSplitter>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

Q_LOGGING_CATEGORY(lcFeed, "bh.gui.feed")

namespace bh::gui {

namespace {
// Default column widths in pixels (restored layouts override them).
constexpr int kColumnWidths[FeedModel::ColumnCount] = { 95, 140, 260, 80, 110, 90, 80 };
} // namespace

FeedPanel::FeedPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new FeedModel(this))
    , m_proxy(new FeedFilterProxy(this))
{
    m_proxy->setFeedModel(m_model);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    for (protocol::EventType type : EventStyle::chartedTypes()) {
        auto *toggle = new QToolButton(this);
        toggle->setText(protocol::eventTypeName(type));
        toggle->setCheckable(true);
        toggle->setChecked(true);
        toggle->setToolTip(tr("Show %1 events").arg(protocol::eventTypeName(type)));
        QPalette pal = toggle->palette();
        pal.setColor(QPalette::ButtonText, EventStyle::typeColor(type));
        toggle->setPalette(pal);
        connect(toggle, &QToolButton::toggled, m_proxy,
                [this, type](bool on) { m_proxy->setTypeEnabled(type, on); });
        m_toggles.insert(int(type), toggle);
        bar->addWidget(toggle);
    }
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("feedFilter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter name, phase, workload, tenant…"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &FeedFilterProxy::setText);
    bar->addWidget(m_filter, 1);

    m_pauseAction = new QAction(tr("&Pause feed"), this);
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pauseAction->setToolTip(tr("Freeze the view; events are still received and counted"));
    connect(m_pauseAction, &QAction::toggled, m_model, &FeedModel::setPaused);
    connect(m_model, &FeedModel::pausedChanged, this, [this](bool paused) {
        m_pauseAction->setChecked(paused);
        m_pauseAction->setText(paused ? tr("&Resume feed") : tr("&Pause feed"));
    });

    m_clearAction = new QAction(tr("C&lear feed"), this);
    m_clearAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_clearAction, &QAction::triggered, this, [this] {
        m_model->clear();
        m_details->clear();
        m_detailsHeader->clear();
    });

    m_followAction = new QAction(tr("&Follow tail"), this);
    m_followAction->setCheckable(true);
    m_followAction->setChecked(true);
    m_followAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(m_followAction, &QAction::toggled, this, [this](bool on) {
        if (on)
            m_view->scrollToBottom();
    });

    m_focusFilterAction = new QAction(tr("Filter &feed"), this);
    m_focusFilterAction->setShortcut(QKeySequence::Find);
    connect(m_focusFilterAction, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });

    m_exportAction = new QAction(tr("&Export feed as JSON Lines…"), this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_exportAction, &QAction::triggered, this, &FeedPanel::exportWithDialog);

    m_copyAction = new QAction(tr("&Copy selected events"), this);
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_copyAction, &QAction::triggered, this, &FeedPanel::copySelection);

    for (QAction *action : { m_pauseAction, m_clearAction, m_followAction, m_exportAction }) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->addWidget(button);
    }
    m_countLabel = new QLabel(this);
    bar->addWidget(m_countLabel);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("feedView"));
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true); // O(1) layout per row: the feed can hold 50,000 rows
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->addAction(m_copyAction);
    m_view->header()->setStretchLastSection(true);
    for (int c = 0; c < FeedModel::ColumnCount; ++c)
        m_view->setColumnWidth(c, kColumnWidths[c]);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &FeedPanel::showDetails);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &FeedPanel::onRowsInserted);
    connect(m_model, &FeedModel::batchPublished, this, [this] {
        m_countLabel->setText(
            tr("%L1 shown / %L2 kept").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
    });
    connect(m_proxy, &FeedFilterProxy::filterChanged, this, [this] {
        m_countLabel->setText(
            tr("%L1 shown / %L2 kept").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
    });

    auto *detailsBox = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(detailsBox);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    m_detailsHeader = new QLabel(detailsBox);
    m_detailsHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details = new QPlainTextEdit(detailsBox);
    m_details->setObjectName(QStringLiteral("feedDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setPlaceholderText(tr("Select an event to see its JSON"));
    auto *copyJson = new QToolButton(detailsBox);
    copyJson->setText(tr("Copy JSON"));
    connect(copyJson, &QToolButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_details->toPlainText());
        emit message(tr("Copied the event's JSON"));
    });
    auto *detailsTop = new QHBoxLayout;
    detailsTop->addWidget(m_detailsHeader, 1);
    detailsTop->addWidget(copyJson);
    detailsLayout->addLayout(detailsTop);
    detailsLayout->addWidget(m_details);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("feedSplitter"));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(detailsBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);
}

void FeedPanel::onRowsInserted()
{
    if (m_followAction->isChecked())
        m_view->scrollToBottom();
}

void FeedPanel::showDetails()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) {
        m_details->clear();
        m_detailsHeader->clear();
        return;
    }
    const FeedEntry &entry = m_model->entryAt(m_proxy->mapToSource(current).row());
    m_detailsHeader->setText(tr("#%L1 · received %2")
                                 .arg(entry.serial)
                                 .arg(entry.receivedAt.toLocalTime().toString(Qt::ISODateWithMs)));
    m_details->setPlainText(QString::fromUtf8(EventJson::pretty(entry.event)));
}

QByteArray FeedPanel::selectedJsonLines() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QByteArray out;
    for (const QModelIndex &index : std::as_const(rows)) {
        out += EventJson::jsonLine(m_model->entryAt(m_proxy->mapToSource(index).row()));
        out += '\n';
    }
    return out;
}

void FeedPanel::copySelection()
{
    const QByteArray text = selectedJsonLines();
    if (text.isEmpty())
        return;
    QApplication::clipboard()->setText(QString::fromUtf8(text));
    emit message(tr("Copied %n event(s) as JSON Lines", nullptr, int(text.count('\n'))));
}

JsonLinesExporter::Result FeedPanel::exportTo(const QString &path) const
{
    QList<FeedEntry> entries;
    entries.reserve(m_proxy->rowCount());
    for (int r = 0; r < m_proxy->rowCount(); ++r)
        entries.append(m_model->entryAt(m_proxy->mapToSource(m_proxy->index(r, 0)).row()));
    return JsonLinesExporter::write(path, entries);
}

void FeedPanel::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export feed"),
                                                      QStringLiteral("boilerhouse-events.jsonl"),
                                                      tr("JSON Lines (*.jsonl);;All files (*)"));
    if (path.isEmpty())
        return;
    const JsonLinesExporter::Result result = exportTo(path);
    if (result.ok()) {
        emit message(tr("Exported %L1 events to %2").arg(result.lines).arg(path));
    } else {
        qCWarning(lcFeed) << "export failed:" << result.message;
        emit message(tr("Export failed: %1").arg(result.message));
    }
}

void FeedPanel::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("feed/header"), m_view->header()->saveState());
    settings.setValue(QStringLiteral("feed/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("feed/filterText"), m_filter->text());
    settings.setValue(QStringLiteral("feed/typeMask"), m_proxy->typeMask());
    settings.setValue(QStringLiteral("feed/followTail"), m_followAction->isChecked());
    settings.setValue(QStringLiteral("feed/capacity"), m_model->capacity());
}

void FeedPanel::restoreState(const QSettings &settings)
{
    m_view->header()->restoreState(settings.value(QStringLiteral("feed/header")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("feed/splitter")).toByteArray());
    m_filter->setText(settings.value(QStringLiteral("feed/filterText")).toString());
    const quint32 mask = settings.value(QStringLiteral("feed/typeMask"), ~quint32(0)).toUInt();
    for (auto it = m_toggles.cbegin(); it != m_toggles.cend(); ++it)
        it.value()->setChecked((mask & (quint32(1) << unsigned(it.key()))) != 0);
    m_proxy->setTypeMask(mask);
    m_followAction->setChecked(settings.value(QStringLiteral("feed/followTail"), true).toBool());
    m_model->setCapacity(
        settings.value(QStringLiteral("feed/capacity"), FeedModel::kDefaultCapacity).toInt());
}

} // namespace bh::gui
