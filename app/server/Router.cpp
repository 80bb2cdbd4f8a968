#include "Router.h"

#include <QStringTokenizer>

namespace gatehouse::server {

namespace {

QStringList segmentsOf(const QString &path)
{
    return path.split(QLatin1Char('/'));
}

// A request's path in segments, as views into it: matching runs on every request, and most
// paths have few segments, so this allocates nothing.
Router::Segments viewSegmentsOf(QStringView path)
{
    Router::Segments segments;
    for (QStringView segment : qTokenize(path, u'/'))
        segments.append(segment);
    return segments;
}

QString describe(const api::ApiRoute &route)
{
    return QStringLiteral("%1 %2").arg(QLatin1String(route.method), QLatin1String(route.path));
}

} // namespace

void Router::add(const char *method, const char *path, Handler handler, MemoryHandler fromMemory)
{
    Route route{api::ApiRoute{method, path, api::RouteAccess::Public}, std::move(handler),
                std::move(fromMemory), -1, QByteArray(method).append(' ').append(path)};
    const QList<api::ApiRoute> &contract = api::apiRoutes();
    for (qsizetype i = 0; i < contract.size(); ++i) {
        if (qstrcmp(contract[i].method, method) == 0 && qstrcmp(contract[i].path, path) == 0) {
            route.api = contract[i];
            route.contractIndex = int(i);
        }
    }
    m_patterns.append(segmentsOf(QLatin1String(path)));
    m_routes.append(std::move(route));
}

bool Router::matches(const QStringList &pattern, const Segments &segments,
                     QHash<QString, QString> *parameters)
{
    if (pattern.size() != segments.size())
        return false;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString &expected = pattern[i];
        if (expected.startsWith(QLatin1Char('{')) && expected.endsWith(QLatin1Char('}'))) {
            if (segments[i].isEmpty())
                return false;
            if (parameters)
                parameters->insert(expected.mid(1, expected.size() - 2), segments[i].toString());
        } else if (expected != segments[i]) {
            return false;
        }
    }
    return true;
}

std::variant<Router::Match, Router::NotFound, Router::MethodNotAllowed>
Router::match(QByteArrayView method, const QString &path) const
{
    const Segments segments = viewSegmentsOf(path);
    QByteArrayList allowed;
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        if (!matches(m_patterns[i], segments, nullptr))
            continue;
        const QByteArrayView routeMethod(m_routes[i].api.method);
        if (routeMethod == method) {
            Match found;
            found.route = &m_routes[i];
            matches(m_patterns[i], segments, &found.parameters);
            return found;
        }
        if (!allowed.contains(routeMethod))
            allowed.append(routeMethod.toByteArray());
    }
    if (allowed.isEmpty())
        return NotFound{};
    return MethodNotAllowed{allowed.join(", ")};
}

QStringList Router::mismatchWithContract() const
{
    QStringList served;
    for (const Route &route : m_routes)
        served.append(describe(route.api));
    QStringList contract;
    for (const api::ApiRoute &route : api::apiRoutes())
        contract.append(describe(route));
    QStringList mismatch;
    for (const QString &route : contract) {
        if (!served.contains(route))
            mismatch.append(QStringLiteral("no handler: ") + route);
    }
    for (const QString &route : served) {
        if (!contract.contains(route) || served.count(route) > 1)
            mismatch.append(QStringLiteral("not in the contract once: ") + route);
    }
    return mismatch;
}

} // namespace gatehouse::server
