/* precbench: status codes returned by every library function that can fail. */
#ifndef PRECBENCH_STATUS_H
#define PRECBENCH_STATUS_H

typedef enum pb_status {
    PB_OK = 0,
    PB_ERR_ARG,            /* an argument is out of range or inconsistent      */
    PB_ERR_UNKNOWN_FORMAT, /* no format of that name                            */
    PB_ERR_UNKNOWN_MODE,   /* no rounding mode / overflow policy of that name   */
    PB_ERR_UNKNOWN_SCHEME, /* no scheme / scaling / accumulator of that name    */
    PB_ERR_PARSE,          /* a specification string is malformed               */
    PB_ERR_NOMEM,          /* an allocation failed or the problem is too large  */
    PB_ERR_IO,             /* a file could not be read or written               */
    PB_ERR_SHORT_INPUT,    /* input ended in the middle of an element           */
    PB_ERR_UNSUPPORTED     /* the combination is valid but not provided         */
} pb_status;

/* A one-line, human-readable description of a status code. */
const char *pb_status_message(pb_status status);

#endif
