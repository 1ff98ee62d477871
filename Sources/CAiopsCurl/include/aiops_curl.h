/*
 * One complete HTTP POST over libcurl, for the alert webhook.
 *
 * Why C: curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call, and the
 * options they take are macros. Rather than one shim per option, this exposes the whole request:
 * Swift passes plain values in and gets a classified result back, and never sees a curl handle.
 */
#ifndef AIOPS_CURL_H
#define AIOPS_CURL_H

#include <stddef.h>

/* How a POST ended, classified so Swift decides on retries without knowing CURLcode values. */
enum aiops_curl_outcome {
	AIOPS_CURL_RESPONSE = 0,  /* the server answered: see http_status (any status, 5xx included) */
	AIOPS_CURL_CONNECT = 1,   /* no connection: name not resolved, refused, connect timed out */
	AIOPS_CURL_TRANSFER = 2,  /* connected, then the connection broke (reset, nothing received) */
	AIOPS_CURL_TIMEOUT = 3,   /* connected, but no complete answer within the total timeout */
	AIOPS_CURL_CANCELLED = 4, /* should_cancel returned non-zero */
	AIOPS_CURL_OTHER = 5,     /* TLS failure, malformed URL, out of memory… retrying won't help */
};

struct aiops_curl_result {
	int outcome;      /* enum aiops_curl_outcome */
	int curl_code;    /* CURLcode, for the message */
	long http_status; /* 0 when there was no response */
	char error[256];  /* curl's own words, empty on a response */
};

/* Initialises libcurl once per process, whatever the number of callers and threads. Returns 0,
 * or the CURLcode of the failure (repeated to every later caller). */
int aiops_curl_initialize(void);

/* POSTs `body` to `url` with the given header lines ("Content-Type: application/json"), waiting
 * at most connect_timeout_ms to connect and total_timeout_ms overall. Only http and https are
 * allowed, redirects are not followed, the response body is discarded, no signal is raised.
 * should_cancel(context), when not NULL, is asked about every 100 ms: a non-zero answer aborts
 * the transfer (shutdown). Returns result->outcome. */
int aiops_curl_post(const char *url, const void *body, size_t body_length, const char *const *headers,
		    size_t header_count, long connect_timeout_ms, long total_timeout_ms,
		    int (*should_cancel)(void *context), void *context, struct aiops_curl_result *result);

#endif
