#include "aiops_curl.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t initialize_once = PTHREAD_ONCE_INIT;
static CURLcode initialize_result = CURLE_OK;

static void initialize(void)
{
	/* curl_global_init is not thread-safe on every libcurl build: pthread_once makes the first
	 * webhook thread do it and every other one wait for it. */
	initialize_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int aiops_curl_initialize(void)
{
	pthread_once(&initialize_once, initialize);
	return (int)initialize_result;
}

/* The response body: nobody reads it, but without a write callback libcurl prints it to stdout. */
static size_t discard(char *data, size_t size, size_t count, void *context)
{
	(void)data;
	(void)context;
	return size * count;
}

static int classify(CURLcode code, int connected)
{
	switch (code) {
	case CURLE_OK:
		return AIOPS_CURL_RESPONSE;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return AIOPS_CURL_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return connected ? AIOPS_CURL_TIMEOUT : AIOPS_CURL_CONNECT;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return AIOPS_CURL_TRANSFER;
	default:
		return AIOPS_CURL_OTHER;
	}
}

static int fail(struct aiops_curl_result *result, int outcome, CURLcode code, const char *text)
{
	result->outcome = outcome;
	result->curl_code = (int)code;
	snprintf(result->error, sizeof(result->error), "%s", text && *text ? text : curl_easy_strerror(code));
	return outcome;
}

/* The multi interface instead of curl_easy_perform: its loop returns to us every 100 ms, so a
 * shutdown can abort a POST to a server that accepted the connection and never answers. */
static CURLcode run(CURL *easy, int (*should_cancel)(void *), void *context, int *cancelled)
{
	CURLM *multi = curl_multi_init();
	if (!multi)
		return CURLE_OUT_OF_MEMORY;
	CURLcode code = CURLE_OK;
	if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
		curl_multi_cleanup(multi);
		return CURLE_OUT_OF_MEMORY;
	}
	int running = 1;
	while (running) {
		if (curl_multi_perform(multi, &running) != CURLM_OK) {
			code = CURLE_FAILED_INIT;
			break;
		}
		if (!running)
			break;
		if (should_cancel && should_cancel(context)) {
			*cancelled = 1;
			code = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	if (!*cancelled && code == CURLE_OK) {
		int pending = 0;
		CURLMsg *message;
		while ((message = curl_multi_info_read(multi, &pending))) {
			if (message->msg == CURLMSG_DONE)
				code = message->data.result;
		}
	}
	curl_multi_remove_handle(multi, easy);
	curl_multi_cleanup(multi);
	return code;
}

int aiops_curl_post(const char *url, const void *body, size_t body_length, const char *const *headers,
		    size_t header_count, long connect_timeout_ms, long total_timeout_ms,
		    int (*should_cancel)(void *context), void *context, struct aiops_curl_result *result)
{
	memset(result, 0, sizeof(*result));
	CURLcode code = (CURLcode)aiops_curl_initialize();
	if (code != CURLE_OK)
		return fail(result, AIOPS_CURL_OTHER, code, NULL);
	CURL *easy = curl_easy_init();
	if (!easy)
		return fail(result, AIOPS_CURL_OTHER, CURLE_FAILED_INIT, "cannot create a curl handle");

	struct curl_slist *list = NULL;
	for (size_t index = 0; index < header_count; index++) {
		struct curl_slist *longer = curl_slist_append(list, headers[index]);
		if (!longer) {
			curl_slist_free_all(list);
			curl_easy_cleanup(easy);
			return fail(result, AIOPS_CURL_OTHER, CURLE_OUT_OF_MEMORY, NULL);
		}
		list = longer;
	}
	/* Without "Expect:", a body over 1 KiB makes curl wait up to a second for "100 Continue". */
	struct curl_slist *longer = curl_slist_append(list, "Expect:");
	if (longer)
		list = longer;

	char error[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	/* Threads must not get SIGALRM (DNS timeouts) or SIGPIPE from libcurl. */
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_POST, 1L);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "aiops-alert/1");
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, total_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);

	int cancelled = 0;
	code = run(easy, should_cancel, context, &cancelled);
	/* A timeout before the connection was made is a connection failure, worth a retry; after it,
	 * the server is slow, and retrying would only multiply the wait. */
	curl_off_t connect_time = 0;
	curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_time);
	int outcome;
	if (cancelled) {
		outcome = fail(result, AIOPS_CURL_CANCELLED, code, "cancelled at shutdown");
	} else if (code == CURLE_OK) {
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result->http_status);
		outcome = result->outcome = AIOPS_CURL_RESPONSE;
	} else {
		outcome = fail(result, classify(code, connect_time > 0), code, error);
	}
	curl_slist_free_all(list);
	curl_easy_cleanup(easy);
	return outcome;
}
