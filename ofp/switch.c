/* Switch-level messages: HELLO and version negotiation, ECHO, ERROR (and error replies), FEATURES, GET/SET_CONFIG, ROLE, GET/SET_ASYNC, empty-bodied requests. */
#include <config.h>
