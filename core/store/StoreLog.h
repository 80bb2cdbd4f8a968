#pragma once

#include <QLoggingCategory>

namespace gatehouse {
Q_DECLARE_LOGGING_CATEGORY(lcStore)
}
