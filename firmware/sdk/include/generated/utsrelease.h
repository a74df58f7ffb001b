#define UTS_RELEASE "3.14.0"
