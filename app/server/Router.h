#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"
#include "api/ApiRoutes.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>

#include <functional>
#include <optional>
#include <variant>

namespace gatehouse::server {

// Maps a method and a path to the endpoint that serves it. Paths are templates of segments;
// `{name}` matches one non-empty segment and hands it to the endpoint as a path parameter.
// A path that matches no template is NotFound; one that matches with another method is
// MethodNotAllowed, with the methods that would do for the Allow header (E10).
class Router
{
public:
    using Handler = std::function<ApiResponse(const ApiRequest &)>;
    // The answer from what the process holds in memory, without the store or any wait, or
    // nullopt when only the Handler can answer: run on a network thread, first.
    using MemoryHandler = std::function<std::optional<ApiResponse>(const ApiRequest &)>;

    struct Route {
        api::ApiRoute api;
        Handler handler;
        MemoryHandler fromMemory; // may be empty
        int contractIndex = -1; // in api::apiRoutes(), -1 if it is not there
        QByteArray name; // "GET /auth/user": the template, for the log
    };
    struct Match {
        const Route *route = nullptr;
        QHash<QString, QString> parameters;
    };
    struct NotFound {
    };
    struct MethodNotAllowed {
        QByteArray allow; // e.g. "GET, POST"
    };

    // Adds the handler of the contract's route `method` `path` (api::apiRoutes()); one the
    // contract lacks shows in mismatchWithContract().
    void add(const char *method, const char *path, Handler handler, MemoryHandler fromMemory = {});

    std::variant<Match, NotFound, MethodNotAllowed> match(QByteArrayView method,
                                                          const QString &path) const;

    const QList<Route> &routes() const { return m_routes; }
    // The routes of api::apiRoutes() without a handler, and handlers for routes it lacks, as
    // "METHOD /path" lines; empty when the two agree.
    QStringList mismatchWithContract() const;

    using Segments = QVarLengthArray<QStringView, 16>;

private:
    static bool matches(const QStringList &pattern, const Segments &segments,
                        QHash<QString, QString> *parameters);

    QList<Route> m_routes;
    QList<QStringList> m_patterns; // m_routes[i]'s path, split into segments
};

} // namespace gatehouse::server
