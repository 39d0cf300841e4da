#pragma once

#include <chrono>
#include <cstddef>

namespace bh::http {

// Every bound of the HTTP layer, as a value type. Defaults are the documented ones
// (README "Limits"); each application may override them.
struct Limits
{
    // Request line + headers; beyond it: 431 Request Header Fields Too Large.
    static constexpr std::size_t DefaultMaxHeadBytes = 16 * 1024;
    // Request target length; beyond it: 414 URI Too Long.
    static constexpr std::size_t DefaultMaxUrlBytes = 8 * 1024;
    // Request body (Content-Length or chunked total); beyond it: 413 Content Too Large.
    static constexpr std::size_t DefaultMaxBodyBytes = 4 * 1024 * 1024;
    // Time allowed for a complete request head (and body) once its first byte arrived: 408.
    static constexpr std::chrono::milliseconds DefaultRequestTimeout{10'000};
    // An idle keep-alive connection (no request in progress) is closed after this.
    static constexpr std::chrono::milliseconds DefaultKeepAliveTimeout{60'000};
    // Open TCP connections; beyond it new connections are answered 503 and closed.
    static constexpr int DefaultMaxConnections = 20'000;
    // Requests read ahead of the one being answered (pipelining); beyond it reading pauses.
    static constexpr int DefaultMaxPipelinedRequests = 16;
    // Unsent response bytes on one connection above which a stream is considered stalled
    // (Responder::isBackpressured()).
    static constexpr std::size_t DefaultMaxOutputBufferBytes = 8 * 1024 * 1024;

    std::size_t maxHeadBytes = DefaultMaxHeadBytes;
    std::size_t maxUrlBytes = DefaultMaxUrlBytes;
    std::size_t maxBodyBytes = DefaultMaxBodyBytes;
    std::chrono::milliseconds requestTimeout = DefaultRequestTimeout;
    std::chrono::milliseconds keepAliveTimeout = DefaultKeepAliveTimeout;
    int maxConnections = DefaultMaxConnections;
    int maxPipelinedRequests = DefaultMaxPipelinedRequests;
    std::size_t maxOutputBufferBytes = DefaultMaxOutputBufferBytes;
};

} // namespace bh::http
