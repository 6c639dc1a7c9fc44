#include "trace/trace-hw_hc1.h"
