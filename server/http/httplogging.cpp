#include "httplogging.h"

namespace bh::http {
Q_LOGGING_CATEGORY(lcHttp, "bh.http", QtInfoMsg)
} // namespace bh::http
