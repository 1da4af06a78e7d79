/* SPDX-License-Identifier: BSD-2-Clause */
/* version.h - kernel name and version shown in the banner. */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H
#define NVMETK_NAME "nvmetk"
#define NVMETK_VERSION "0.1"
#endif
