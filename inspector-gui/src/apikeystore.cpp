#include "apikeystore.h"

#include <qt6keychain/keychain.h>

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcKeychain, "bh.gui.keychain")

namespace bh::gui {

namespace {
ApiKeyStore::Error mapError(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return ApiKeyStore::Error::None;
    case QKeychain::EntryNotFound:
        return ApiKeyStore::Error::NotFound;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return ApiKeyStore::Error::AccessDenied;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return ApiKeyStore::Error::Unavailable;
    default:
        return ApiKeyStore::Error::Other;
    }
}

template<typename JobT>
JobT *makeJob(ApiKeyStore *owner, const QString &serverUrl)
{
    auto *job = new JobT(QString::fromLatin1(ApiKeyStore::kService), owner);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(serverUrl);
    return job;
}
} // namespace

ApiKeyStore::ApiKeyStore(QObject *parent)
    : QObject(parent)
{ }

void ApiKeyStore::load(const QString &serverUrl)
{
    auto *job = makeJob<QKeychain::ReadPasswordJob>(this, serverUrl);
    connect(job, &QKeychain::Job::finished, this, [this, serverUrl](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError) {
            emit loaded(serverUrl, read->textData());
            return;
        }
        qCInfo(lcKeychain) << "cannot read the key for" << serverUrl << ":" << read->errorString();
        emit failed(serverUrl, Operation::Load, mapError(read->error()), read->errorString());
    });
    job->start();
}

void ApiKeyStore::save(const QString &serverUrl, const QString &apiKey)
{
    auto *job = makeJob<QKeychain::WritePasswordJob>(this, serverUrl);
    job->setTextData(apiKey);
    connect(job, &QKeychain::Job::finished, this, [this, serverUrl](QKeychain::Job *j) {
        if (j->error() == QKeychain::NoError) {
            emit saved(serverUrl);
            return;
        }
        qCWarning(lcKeychain) << "cannot store the key for" << serverUrl << ":" << j->errorString();
        emit failed(serverUrl, Operation::Save, mapError(j->error()), j->errorString());
    });
    job->start();
}

void ApiKeyStore::forget(const QString &serverUrl)
{
    auto *job = makeJob<QKeychain::DeletePasswordJob>(this, serverUrl);
    connect(job, &QKeychain::Job::finished, this, [this, serverUrl](QKeychain::Job *j) {
        if (j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound) {
            emit forgotten(serverUrl);
            return;
        }
        emit failed(serverUrl, Operation::Forget, mapError(j->error()), j->errorString());
    });
    job->start();
}

} // namespace bh::gui
