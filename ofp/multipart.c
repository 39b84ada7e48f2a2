/* MULTIPART requests and replies (PORT_DESC, FLOW, AGGREGATE, GROUP_DESC, METER), splitting and reassembly. */
#include <config.h>
