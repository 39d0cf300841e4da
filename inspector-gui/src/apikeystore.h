#pragma once

#include <QObject>
#include <QString>

namespace bh::gui {

// Keeps API keys in the desktop keychain (QtKeychain: Secret Service, KWallet, ...), one entry
// per server URL under the service name kService. Never falls back to plain-text storage: when
// no keychain is available the operation fails with Error::Unavailable. Every operation is
// asynchronous and ends with exactly one of its result signal or failed().
class ApiKeyStore : public QObject
{
    Q_OBJECT
public:
    enum class Operation { Load, Save, Forget };
    Q_ENUM(Operation)
    enum class Error { None, NotFound, AccessDenied, Unavailable, Other };
    Q_ENUM(Error)

    // The keychain service name the entries are stored under.
    static constexpr char kService[] = "boilerhouse-inspector";

    explicit ApiKeyStore(QObject *parent = nullptr);

    void load(const QString &serverUrl);
    void save(const QString &serverUrl, const QString &apiKey);
    void forget(const QString &serverUrl);

signals:
    void loaded(const QString &serverUrl, const QString &apiKey);
    void saved(const QString &serverUrl);
    void forgotten(const QString &serverUrl);
    void failed(const QString &serverUrl, bh::gui::ApiKeyStore::Operation operation,
                bh::gui::ApiKeyStore::Error error, const QString &message);
};

} // namespace bh::gui
