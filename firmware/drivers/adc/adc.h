/* /dev/adc (adc.ko): read() gives one conversion of AIN3 (the potentiometer) as an int. */
#ifndef ADC_H
#define ADC_H

#define ADC_MAJOR 251

#endif
