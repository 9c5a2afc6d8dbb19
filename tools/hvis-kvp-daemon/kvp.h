/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvis-kvp-daemon internals: the persistent pools (pool.c) and what the
 * guest tells about itself (guest.c: the Auto pool and IP information).
 */
#ifndef KVP_H
#define KVP_H

#include <stdint.h>
#include <hvis/hv_daemon.h>

/* Limits of one record, in bytes without the NUL. */
#define KVP_KEY_MAX	(HVIS_KVP_MAX_KEY - 1)
#define KVP_VALUE_MAX	(HVIS_KVP_MAX_VALUE - 1)

/* Load every pool from @dir (created if missing).  -1 if @dir is unusable. */
int pool_init(const char *dir, unsigned int max_records);
int32_t pool_get(unsigned int pool, const char *key, const char **value);
int32_t pool_set(unsigned int pool, const char *key, const char *value);
int32_t pool_delete(unsigned int pool, const char *key);
int32_t pool_enumerate(unsigned int pool, uint32_t index, const char **key, const char **value);

/* The kernel's version string, from registration (IntegrationServicesVersion). */
extern char kvp_kernel_version[HVIS_KVP_MAX_KEY];
/* -S: where hv_set_ifconfig and hv_get_dhcp_info are; -s: the state dir. */
extern const char *kvp_script_dir;
extern const char *kvp_state_dir;

/*
 * The Auto pool: entry @index, written into @key and @value (their sizes
 * are HVIS_KVP_MAX_KEY and HVIS_KVP_MAX_VALUE).  HVISD_S_CONT past the end.
 */
int32_t auto_enumerate(uint32_t index, char *key, char *value);
/* The Auto pool entry named @key, or HVISD_S_CONT. */
int32_t auto_get(const char *key, char *value);

/* GET_IP_INFO and SET_IP_INFO on the message in place. */
int32_t ip_info_get(struct hvis_kvp_ipaddr *ip);
int32_t ip_info_set(const struct hvis_kvp_ipaddr *ip);

#endif
