#include "StoreLog.h"

namespace gatehouse {
Q_LOGGING_CATEGORY(lcStore, "gatehouse.store")
}
