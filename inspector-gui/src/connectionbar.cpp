#include "connectionbar.h"

#include "inspectoroptions.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace bh::gui {

namespace {
QString lampStyle(const QColor &color)
{
    return QStringLiteral("QLabel { background: %1; border-radius: 7px; border: 1px solid #555; }")
        .arg(color.name());
}
} // namespace

ConnectionBar::ConnectionBar(QWidget *parent)
    : QWidget(parent)
{
    m_url = new QComboBox(this);
    m_url->setObjectName(QStringLiteral("serverUrl"));
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);
    m_url->setMinimumContentsLength(28);
    m_url->lineEdit()->setPlaceholderText(QStringLiteral("http://127.0.0.1:3000"));
    connect(m_url->lineEdit(), &QLineEdit::returnPressed, this, &ConnectionBar::requestConnect);
    connect(m_url, &QComboBox::textActivated, this, &ConnectionBar::urlChosen);

    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("apiKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("API key (optional)"));
    m_key->setMaximumWidth(220);
    connect(m_key, &QLineEdit::returnPressed, this, &ConnectionBar::requestConnect);

    m_remember = new QCheckBox(tr("Remember"), this);
    m_remember->setToolTip(tr("Keep the key in the desktop keychain (never in a plain file)"));

    m_button = new QPushButton(tr("Connect"), this);
    m_button->setObjectName(QStringLiteral("connectButton"));
    connect(m_button, &QPushButton::clicked, this, [this] {
        if (m_state == client::ConnectionState::Disconnected)
            requestConnect();
        else
            emit disconnectRequested();
    });

    m_lamp = new QLabel(this);
    m_lamp->setFixedSize(14, 14);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("connectionText"));
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setMinimumWidth(200);
    // Long reasons must not widen the window; the full text is in the tooltip.
    m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(new QLabel(tr("Server:"), this));
    layout->addWidget(m_url, 2);
    layout->addWidget(new QLabel(tr("Key:"), this));
    layout->addWidget(m_key, 1);
    layout->addWidget(m_remember);
    layout->addWidget(m_button);
    layout->addSpacing(8);
    layout->addWidget(m_lamp);
    layout->addWidget(m_text, 3);
    setConnectionState(client::ConnectionState::Disconnected, tr("not connected"));
}

QString ConnectionBar::urlText() const
{
    return m_url->currentText().trimmed();
}

void ConnectionBar::setUrlText(const QString &url)
{
    m_url->setCurrentText(url);
}

QString ConnectionBar::apiKey() const
{
    return m_key->text().trimmed();
}

void ConnectionBar::setApiKey(const QString &key)
{
    m_key->setText(key);
}

bool ConnectionBar::rememberKey() const
{
    return m_remember->isChecked();
}

void ConnectionBar::setRememberKey(bool remember)
{
    m_remember->setChecked(remember);
}

QStringList ConnectionBar::recentUrls() const
{
    QStringList urls;
    for (int i = 0; i < m_url->count(); ++i)
        urls.append(m_url->itemText(i));
    return urls;
}

void ConnectionBar::setRecentUrls(const QStringList &urls)
{
    const QString current = m_url->currentText();
    m_url->clear();
    for (const QString &url : urls) {
        if (!url.isEmpty() && m_url->findText(url) < 0 && m_url->count() < kMaxRecentUrls)
            m_url->addItem(url);
    }
    m_url->setCurrentText(current);
}

void ConnectionBar::addRecentUrl(const QString &url)
{
    QStringList urls = recentUrls();
    urls.removeAll(url);
    urls.prepend(url);
    setRecentUrls(urls.mid(0, kMaxRecentUrls));
    m_url->setCurrentText(url);
}

void ConnectionBar::requestConnect()
{
    QString why;
    const auto url = InspectorOptions::parseServerUrl(urlText(), &why);
    if (!url) {
        showProblem(why);
        return;
    }
    emit connectRequested(*url, apiKey(), rememberKey());
}

void ConnectionBar::setConnectionState(client::ConnectionState state, const QString &detail)
{
    using S = client::ConnectionState;
    m_state = state;
    QColor color;
    QString word;
    switch (state) {
    case S::Disconnected:
        color = QColor(0x9e, 0x9e, 0x9e);
        word = tr("Disconnected");
        break;
    case S::FetchingSnapshot:
        color = QColor(0xf0, 0xb4, 0x29);
        word = tr("Loading snapshot");
        break;
    case S::ConnectingStream:
        color = QColor(0xf0, 0xb4, 0x29);
        word = tr("Connecting stream");
        break;
    case S::Live:
        color = QColor(0x2e, 0xa0, 0x43);
        word = tr("Live");
        break;
    case S::WaitingToReconnect:
        color = QColor(0xd3, 0x3f, 0x3f);
        word = tr("Reconnecting");
        break;
    }
    m_lamp->setStyleSheet(lampStyle(color));
    m_lamp->setToolTip(word);
    m_text->setText(detail.isEmpty() ? word : QStringLiteral("%1 — %2").arg(word, detail));
    m_text->setToolTip(m_text->text());
    m_text->setStyleSheet(QString());
    m_button->setText(state == S::Disconnected ? tr("Connect") : tr("Disconnect"));
    m_url->setEnabled(state == S::Disconnected);
    m_key->setEnabled(state == S::Disconnected);
}

void ConnectionBar::showProblem(const QString &text)
{
    m_text->setText(text);
    m_text->setToolTip(text);
    m_text->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
}

QString ConnectionBar::indicatorText() const
{
    return m_text->text();
}

} // namespace bh::gui
