#pragma once

#include "jsonlinesexporter.h"
#include "protocol/event.h"

#include <QHash>
#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSplitter;
class QToolButton;
class QTreeView;

namespace bh::gui {

class FeedFilterProxy;
class FeedModel;

// The live feed: type toggles, text filter, pause/resume, clear, follow-tail, export, and a
// table of received events beside a details pane with the selected event's JSON.
class FeedPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FeedPanel(QWidget *parent = nullptr);

    FeedModel *model() const { return m_model; }
    FeedFilterProxy *proxy() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    QPlainTextEdit *detailsView() const { return m_details; }
    QToolButton *typeToggle(protocol::EventType type) const { return m_toggles.value(int(type)); }

    // Actions with shortcuts, for the window's menus.
    QAction *pauseAction() const { return m_pauseAction; }
    QAction *clearAction() const { return m_clearAction; }
    QAction *focusFilterAction() const { return m_focusFilterAction; }
    QAction *exportAction() const { return m_exportAction; }
    QAction *copyAction() const { return m_copyAction; }
    QAction *followTailAction() const { return m_followAction; }

    // Writes the rows the view currently shows (filters applied), oldest first.
    JsonLinesExporter::Result exportTo(const QString &path) const;
    // The selected rows as JSON Lines (wire JSON + receivedAt), as "copy" puts on the clipboard.
    QByteArray selectedJsonLines() const;

    void saveState(QSettings &settings) const;
    void restoreState(const QSettings &settings);

signals:
    // Human-readable outcome of export/copy, for the status bar.
    void message(const QString &text);

private:
    void showDetails();
    void exportWithDialog();
    void copySelection();
    void onRowsInserted();

    FeedModel *m_model = nullptr;
    FeedFilterProxy *m_proxy = nullptr;
    QTreeView *m_view = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_detailsHeader = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_countLabel = nullptr;
    QHash<int, QToolButton *> m_toggles;
    QAction *m_pauseAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_focusFilterAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_followAction = nullptr;
};

} // namespace bh::gui
