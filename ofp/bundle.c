/* Bundles: OpenFlow 1.4 BUNDLE_CONTROL/ADD_MESSAGE and the ONF extension for OpenFlow 1.3. */
#include <config.h>
