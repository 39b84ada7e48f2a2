/* Message framing, classification, the shared header helpers and the ofp_msg dispatch (decode/encode/uninit of any message). */
#include <config.h>
