/* precbench: messages for status codes. */
#include "precbench/status.h"

const char *pb_status_message(pb_status status)
{
    switch (status) {
    case PB_OK: return "success";
    case PB_ERR_ARG: return "invalid argument";
    case PB_ERR_UNKNOWN_FORMAT: return "unknown format";
    case PB_ERR_UNKNOWN_MODE: return "unknown rounding mode or overflow policy";
    case PB_ERR_UNKNOWN_SCHEME: return "unknown scheme, scaling or accumulator";
    case PB_ERR_PARSE: return "malformed specification";
    case PB_ERR_NOMEM: return "out of memory (problem too large)";
    case PB_ERR_IO: return "input/output error";
    case PB_ERR_SHORT_INPUT: return "input ends in the middle of an element";
    case PB_ERR_UNSUPPORTED: return "combination not supported";
    }
    return "unknown status";
}
