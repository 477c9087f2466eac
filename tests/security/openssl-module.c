// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stands for a hostile OpenSSL provider module named in a configuration file: loading it runs
 * its constructor, which creates the file $TDXCTL_MODULE_MARKER, and that is all it does (its
 * provider entry point then refuses). test-security.sh compiles it and checks that tdxctl never
 * loads it through $OPENSSL_CONF, while the openssl command does.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int OSSL_provider_init(void);

__attribute__((constructor)) static void module_loaded(void)
{
	const char *marker = getenv("TDXCTL_MODULE_MARKER");
	int fd;

	if (!marker)
		return;
	fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

/* OpenSSL calls it with arguments this module ignores; 0 refuses to provide anything. */
int OSSL_provider_init(void)
{
	return 0;
}
