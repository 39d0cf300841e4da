// deploy/ applied with the real kubectl 1.33 against boilerhouse-kubesim (TLS + token):
// `apply -k` and `apply -f <file>...` create exactly the five objects (default
// --validate=strict), a second apply is "unchanged", a changed manifest is sent as a
// strategic merge patch and stored, and the objects read back as JSON carry the hardening
// and the least-privilege Role issue 5 asks for.
#include "conformancefixture.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace bh::conformance;

namespace {

const QString DeployDir = QStringLiteral(BH_DEPLOY_DIR);
const QString Name = QStringLiteral("boilerhouse-events");

struct Kind
{
    const char *plural;
    const char *collection; // printf-style with %1 = namespace
    const char *applyName; // how kubectl prints it
};

const QList<Kind> &kinds()
{
    static const QList<Kind> k {
        { "serviceaccounts", "/api/v1/namespaces/%1/serviceaccounts", "serviceaccount" },
        { "roles", "/apis/rbac.authorization.k8s.io/v1/namespaces/%1/roles",
          "role.rbac.authorization.k8s.io" },
        { "rolebindings", "/apis/rbac.authorization.k8s.io/v1/namespaces/%1/rolebindings",
          "rolebinding.rbac.authorization.k8s.io" },
        { "services", "/api/v1/namespaces/%1/services", "service" },
        { "deployments", "/apis/apps/v1/namespaces/%1/deployments", "deployment.apps" },
    };
    return k;
}

QStringList fileArgs()
{
    QStringList args;
    for (const char *file : { "serviceaccount.yaml", "role.yaml", "rolebinding.yaml",
                              "deployment.yaml", "service.yaml" })
        args << QStringLiteral("-f") << DeployDir + QLatin1Char('/') + QLatin1String(file);
    return args;
}

} // namespace

class tst_deployapply : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void applyCreatesExactlyTheFiveObjects_data();
    void applyCreatesExactlyTheFiveObjects();
    void secondApplyIsUnchanged_data();
    void secondApplyIsUnchanged();
    void changedManifestIsStrategicMergePatched();
    void roleGrantsOnlyReadOnPodsAndClaims();
    void deploymentIsHardened();

private:
    // Runs kubectl 1.33 `apply <args> -n demo`; its stdout, or a test failure.
    QByteArray apply(const QStringList &args, const QString &version = QStringLiteral("1.33"));
    QJsonObject getObject(const Kind &kind);
    ConformanceFixture f;
};

void tst_deployapply::initTestCase()
{
    const QString error = f.initOnce();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(QDir(DeployDir).exists(QStringLiteral("kustomization.yaml")), qPrintable(DeployDir));
}

void tst_deployapply::init()
{
    const QString error = f.startSimulator({ QStringLiteral("--deploy-kinds") });
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_deployapply::cleanup()
{
    f.stopSimulator();
}

QByteArray tst_deployapply::apply(const QStringList &args, const QString &version)
{
    auto kubectl = f.kubectl(version,
                             QStringList { QStringLiteral("apply") } + args
                                 + QStringList { QStringLiteral("-n"), f.ns() });
    if (!kubectl->start()) {
        QTest::qFail(qPrintable(kubectl->errorText()), __FILE__, __LINE__);
        return {};
    }
    if (!kubectl->finish() || kubectl->exitCode() != 0) {
        const QByteArray text = kubectl->describe() + "\n" + f.diagnostics();
        QTest::qFail(text.constData(), __FILE__, __LINE__);
        return {};
    }
    return kubectl->stdOut();
}

QJsonObject tst_deployapply::getObject(const Kind &kind)
{
    const ApiReply reply =
        f.api().get(QString::fromLatin1(kind.collection).arg(f.ns()) + QLatin1Char('/') + Name);
    if (!reply.ok())
        QTest::qFail(reply.describe().constData(), __FILE__, __LINE__);
    return reply.json();
}

void tst_deployapply::applyCreatesExactlyTheFiveObjects_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<QStringList>("args");
    for (const QString &version : { QStringLiteral("1.33"), QStringLiteral("1.20") }) {
        QTest::addRow("kubectl-%s apply -k deploy/", qPrintable(version))
            << version << QStringList { QStringLiteral("-k"), DeployDir };
        QTest::addRow("kubectl-%s apply -f each file", qPrintable(version))
            << version << fileArgs();
    }
}

void tst_deployapply::applyCreatesExactlyTheFiveObjects()
{
    QFETCH(QString, version);
    QFETCH(QStringList, args);
    const QByteArray out = apply(args, version);
    if (QTest::currentTestFailed())
        return;
    for (const Kind &kind : kinds()) {
        const QByteArray line = QByteArray(kind.applyName) + "/" + Name.toUtf8() + " created";
        BH_CHECK(f, out.contains(line), line + "\n" + out);
        // Exactly one object of each kind, namespaced by the apply.
        const ApiReply list = f.api().get(QString::fromLatin1(kind.collection).arg(f.ns()));
        BH_CHECK(f, list.ok(), list.describe());
        const QJsonArray items = list.json().value(QLatin1String("items")).toArray();
        BH_CHECK(f, items.size() == 1, list.describe());
        const QJsonObject meta = items.at(0).toObject().value(QLatin1String("metadata")).toObject();
        QCOMPARE(meta.value(QLatin1String("name")).toString(), Name);
        QCOMPARE(meta.value(QLatin1String("namespace")).toString(), f.ns());
        QVERIFY(!meta.value(QLatin1String("uid")).toString().isEmpty());
        QVERIFY(!meta.value(QLatin1String("creationTimestamp")).toString().isEmpty());
        QVERIFY(meta.value(QLatin1String("resourceVersion")).toString().toULongLong() > 1);
        QVERIFY(meta.value(QLatin1String("annotations"))
                    .toObject()
                    .contains(QLatin1String("kubectl.kubernetes.io/last-applied-configuration")));
    }
    // Five creates, strict validation asked of the server, no failed request.
    const QStringList log = f.api().requestLog();
    int posts = 0;
    for (const QString &line : log) {
        if (line.startsWith(QLatin1String("POST /api")))
            ++posts;
    }
    BH_CHECK(f, posts == kinds().size(), log.join(QLatin1Char('\n')).toUtf8());
}

void tst_deployapply::secondApplyIsUnchanged_data()
{
    applyCreatesExactlyTheFiveObjects_data();
}

void tst_deployapply::secondApplyIsUnchanged()
{
    QFETCH(QString, version);
    QFETCH(QStringList, args);
    apply(args, version);
    if (QTest::currentTestFailed())
        return;
    const quint64 before = f.api()
                               .get(QString::fromLatin1(kinds().last().collection).arg(f.ns()))
                               .json()
                               .value(QLatin1String("metadata"))
                               .toObject()
                               .value(QLatin1String("resourceVersion"))
                               .toString()
                               .toULongLong();
    const QByteArray out = apply(args);
    if (QTest::currentTestFailed())
        return;
    for (const Kind &kind : kinds()) {
        const QByteArray line = QByteArray(kind.applyName) + "/" + Name.toUtf8() + " unchanged";
        BH_CHECK(f, out.contains(line), line + "\n" + out);
    }
    const quint64 after = f.api()
                              .get(QString::fromLatin1(kinds().last().collection).arg(f.ns()))
                              .json()
                              .value(QLatin1String("metadata"))
                              .toObject()
                              .value(QLatin1String("resourceVersion"))
                              .toString()
                              .toULongLong();
    QCOMPARE(after, before); // nothing was written
}

void tst_deployapply::changedManifestIsStrategicMergePatched()
{
    apply({ QStringLiteral("-k"), DeployDir });
    if (QTest::currentTestFailed())
        return;
    const Kind &deployments = kinds().last();
    const QJsonObject before = getObject(deployments);
    QFile source(DeployDir + QStringLiteral("/deployment.yaml"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QByteArray yaml = source.readAll();
    QVERIFY(yaml.contains("replicas: 2"));
    QVERIFY(yaml.contains("cpu: 100m"));
    yaml.replace("replicas: 2", "replicas: 3").replace("cpu: 100m", "cpu: 150m");
    QTemporaryDir dir;
    QFile changed(dir.filePath(QStringLiteral("deployment.yaml")));
    QVERIFY(changed.open(QIODevice::WriteOnly));
    changed.write(yaml);
    changed.close();

    const QByteArray out = apply({ QStringLiteral("-f"), changed.fileName() });
    if (QTest::currentTestFailed())
        return;
    BH_CHECK(f, out.contains("deployment.apps/boilerhouse-events configured"), out);
    bool patched = false;
    for (const QString &line : f.api().requestLog())
        patched = patched
            || line.startsWith(QLatin1String(
                "PATCH /apis/apps/v1/namespaces/demo/deployments/boilerhouse-events"));
    BH_CHECK(f, patched, QByteArray("no PATCH"));

    const QJsonObject after = getObject(deployments);
    const QJsonObject spec = after.value(QLatin1String("spec")).toObject();
    QCOMPARE(spec.value(QLatin1String("replicas")).toInt(), 3);
    const QJsonObject container = spec.value(QLatin1String("template"))
                                      .toObject()
                                      .value(QLatin1String("spec"))
                                      .toObject()
                                      .value(QLatin1String("containers"))
                                      .toArray()
                                      .at(0)
                                      .toObject();
    QCOMPARE(container.value(QLatin1String("resources"))
                 .toObject()
                 .value(QLatin1String("requests"))
                 .toObject()
                 .value(QLatin1String("cpu"))
                 .toString(),
             QStringLiteral("150m"));
    // The merged container kept everything the patch did not touch.
    const QJsonArray envBefore = before.value(QLatin1String("spec"))
                                     .toObject()
                                     .value(QLatin1String("template"))
                                     .toObject()
                                     .value(QLatin1String("spec"))
                                     .toObject()
                                     .value(QLatin1String("containers"))
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value(QLatin1String("env"))
                                     .toArray();
    QVERIFY(!envBefore.isEmpty());
    QCOMPARE(container.value(QLatin1String("env")).toArray(), envBefore);
    QCOMPARE(container.value(QLatin1String("image")).toString(),
             QStringLiteral("boilerhouse-events:latest"));
    const QJsonObject meta = after.value(QLatin1String("metadata")).toObject();
    const QJsonObject metaBefore = before.value(QLatin1String("metadata")).toObject();
    QCOMPARE(meta.value(QLatin1String("uid")), metaBefore.value(QLatin1String("uid")));
    QCOMPARE(meta.value(QLatin1String("generation")).toInt(), 2);
    QVERIFY(meta.value(QLatin1String("resourceVersion")).toString().toULongLong()
            > metaBefore.value(QLatin1String("resourceVersion")).toString().toULongLong());
}

void tst_deployapply::roleGrantsOnlyReadOnPodsAndClaims()
{
    apply({ QStringLiteral("-k"), DeployDir });
    if (QTest::currentTestFailed())
        return;
    const QJsonObject role = getObject(kinds().at(1));
    const QJsonArray rules = role.value(QLatin1String("rules")).toArray();
    QCOMPARE(rules.size(), 2);
    QSet<QString> granted;
    for (const QJsonValue &r : rules) {
        const QJsonObject rule = r.toObject();
        QVERIFY2(!rule.contains(QLatin1String("resourceNames"))
                     && !rule.contains(QLatin1String("nonResourceURLs")),
                 QJsonDocument(rule).toJson().constData());
        for (const QJsonValue &g : rule.value(QLatin1String("apiGroups")).toArray())
            for (const QJsonValue &res : rule.value(QLatin1String("resources")).toArray())
                for (const QJsonValue &v : rule.value(QLatin1String("verbs")).toArray())
                    granted.insert(g.toString() + QLatin1Char('/') + res.toString()
                                   + QLatin1Char(':') + v.toString());
    }
    const QSet<QString> expected { QStringLiteral("/pods:get"),
                                   QStringLiteral("/pods:list"),
                                   QStringLiteral("/pods:watch"),
                                   QStringLiteral("boilerhouse.dev/boilerhouseclaims:get"),
                                   QStringLiteral("boilerhouse.dev/boilerhouseclaims:list"),
                                   QStringLiteral("boilerhouse.dev/boilerhouseclaims:watch") };
    QCOMPARE(granted, expected);
    // The binding gives that Role to the ServiceAccount the Deployment runs as.
    const QJsonObject binding = getObject(kinds().at(2));
    const QJsonObject ref = binding.value(QLatin1String("roleRef")).toObject();
    QCOMPARE(ref.value(QLatin1String("kind")).toString(), QStringLiteral("Role"));
    QCOMPARE(ref.value(QLatin1String("name")).toString(), Name);
    const QJsonArray subjects = binding.value(QLatin1String("subjects")).toArray();
    QCOMPARE(subjects.size(), 1);
    QCOMPARE(subjects.at(0).toObject().value(QLatin1String("kind")).toString(),
             QStringLiteral("ServiceAccount"));
    QCOMPARE(subjects.at(0).toObject().value(QLatin1String("name")).toString(), Name);
}

void tst_deployapply::deploymentIsHardened()
{
    apply({ QStringLiteral("-k"), DeployDir });
    if (QTest::currentTestFailed())
        return;
    const QJsonObject deployment = getObject(kinds().last());
    const QJsonObject podSpec = deployment.value(QLatin1String("spec"))
                                    .toObject()
                                    .value(QLatin1String("template"))
                                    .toObject()
                                    .value(QLatin1String("spec"))
                                    .toObject();
    QCOMPARE(podSpec.value(QLatin1String("serviceAccountName")).toString(), Name);
    const QJsonObject podSecurity = podSpec.value(QLatin1String("securityContext")).toObject();
    const QJsonArray containers = podSpec.value(QLatin1String("containers")).toArray();
    QVERIFY(!containers.isEmpty());
    for (const QJsonValue &c : containers) {
        const QJsonObject container = c.toObject();
        const QJsonObject security = container.value(QLatin1String("securityContext")).toObject();
        // Non-root (container setting, else the pod's), uid not 0.
        const QJsonValue nonRoot = security.contains(QLatin1String("runAsNonRoot"))
            ? security.value(QLatin1String("runAsNonRoot"))
            : podSecurity.value(QLatin1String("runAsNonRoot"));
        QCOMPARE(nonRoot.toBool(), true);
        const QJsonValue uid = security.contains(QLatin1String("runAsUser"))
            ? security.value(QLatin1String("runAsUser"))
            : podSecurity.value(QLatin1String("runAsUser"));
        QVERIFY(uid.isUndefined() || uid.toInt() != 0);
        QCOMPARE(security.value(QLatin1String("readOnlyRootFilesystem")).toBool(), true);
        QCOMPARE(security.value(QLatin1String("allowPrivilegeEscalation")).toBool(true), false);
        // Probes.
        QCOMPARE(container.value(QLatin1String("livenessProbe"))
                     .toObject()
                     .value(QLatin1String("httpGet"))
                     .toObject()
                     .value(QLatin1String("path"))
                     .toString(),
                 QStringLiteral("/livez"));
        QCOMPARE(container.value(QLatin1String("readinessProbe"))
                     .toObject()
                     .value(QLatin1String("httpGet"))
                     .toObject()
                     .value(QLatin1String("path"))
                     .toString(),
                 QStringLiteral("/readyz"));
        // LISTEN_HOST=0.0.0.0.
        QString listenHost;
        for (const QJsonValue &e : container.value(QLatin1String("env")).toArray()) {
            if (e.toObject().value(QLatin1String("name")).toString()
                == QLatin1String("LISTEN_HOST"))
                listenHost = e.toObject().value(QLatin1String("value")).toString();
        }
        QCOMPARE(listenHost, QStringLiteral("0.0.0.0"));
        // Structured logs for the cluster's log collector (PROTOCOL B.4).
        QString logFormat;
        for (const QJsonValue &e : container.value(QLatin1String("env")).toArray()) {
            if (e.toObject().value(QLatin1String("name")).toString()
                == QLatin1String("LOG_FORMAT"))
                logFormat = e.toObject().value(QLatin1String("value")).toString();
        }
        QCOMPARE(logFormat, QStringLiteral("json"));
        // Resource requests.
        const QJsonObject requests = container.value(QLatin1String("resources"))
                                         .toObject()
                                         .value(QLatin1String("requests"))
                                         .toObject();
        QVERIFY(!requests.value(QLatin1String("cpu")).toString().isEmpty());
        QVERIFY(!requests.value(QLatin1String("memory")).toString().isEmpty());
    }
}

QTEST_GUILESS_MAIN(tst_deployapply)
#include "tst_deployapply.moc"
