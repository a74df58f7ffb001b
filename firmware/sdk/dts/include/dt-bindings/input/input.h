/*
 * Input event codes for device trees (gpio-keys' linux,code), Linux 3.14's values:
 * a selection, see firmware/sdk/include/linux/input.h for the C side.
 */
#ifndef _DT_BINDINGS_INPUT_INPUT_H
#define _DT_BINDINGS_INPUT_INPUT_H

#define EV_KEY		0x01
#define EV_SW		0x05
#define KEY_ESC		1
#define KEY_1		2
#define KEY_2		3
#define KEY_3		4
#define KEY_4		5
#define KEY_ENTER	28
#define KEY_HOME	102
#define KEY_UP		103
#define KEY_LEFT	105
#define KEY_RIGHT	106
#define KEY_DOWN	108
#define KEY_VOLUMEDOWN	114
#define KEY_VOLUMEUP	115
#define KEY_POWER	116
#define KEY_MENU	139
#define KEY_BACK	158

#endif
