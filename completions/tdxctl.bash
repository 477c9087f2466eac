# SPDX-License-Identifier: GPL-2.0-only
# bash completion for tdxctl. tests/unit/test-docs.sh checks that every command and option
# of the binary is listed here.

_tdxctl()
{
	local cur prev words cword
	_init_completion || return

	local commands="verify inspect convert status update history list build"
	local image_opts="--sigstruct --key-hash --allow-debug"
	local tcb_opts="--tcb-info --tcb-info-chain --tcb-root-hash"
	local opts

	if [[ $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi

	case ${words[1]} in
	verify)  opts="$image_opts $tcb_opts --json --quiet --strict --help" ;;
	inspect) opts="$image_opts $tcb_opts --json --version --help" ;;
	convert) opts="$image_opts --output --format --sigstruct-output --force --json --quiet
			--strict --help" ;;
	status)  opts="--json --module --history --prometheus --output $tcb_opts --help" ;;
	update)  opts="$image_opts $tcb_opts --strict --mapping --version --dry-run --json --quiet --timeout
			--image-format --reinstall --module --load-module --history --latest
			--wait-builds --retry-for --retry-interval --help" ;;
	history) opts="--json -n --history --help" ;;
	list)    opts="--json --mapping --no-mapping --running --seamldr --cpuid --key-hash --allow-debug
			--strict $tcb_opts --help" ;;
	build)   opts="--ttl --wait --pid --launched --force --rundir --json --quiet --help"
		if [[ $cword -eq 2 ]]; then
			COMPREPLY=($(compgen -W "begin end forget list" -- "$cur"))
			return
		fi ;;
	*) return ;;
	esac

	case $prev in
	--format|-f)
		COMPREPLY=($(compgen -W "0x200 0x100 pair" -- "$cur"))
		return ;;
	--image-format)
		COMPREPLY=($(compgen -W "0x200 0x100" -- "$cur"))
		return ;;
	--module)
		COMPREPLY=($(compgen -W "tdx_host tdx_host_sim" -- "$cur"))
		return ;;
	--key-hash|--tcb-root-hash|--version|-V|--timeout|-n)
		return ;;
	--sigstruct|-s|--output|-o|--sigstruct-output|--history|--tcb-info|--tcb-info-chain)
		_filedir
		return ;;
	--mapping)
		_filedir json
		return ;;
	--rundir|--latest)
		_filedir -d
		return ;;
	--wait-builds|--retry-for|--retry-interval)
		COMPREPLY=($(compgen -W "30s 1m 5m 30m 1h" -- "$cur"))
		return ;;
	--running|--seamldr|--cpuid|--ttl|--wait|--pid)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		_filedir
	fi
} &&
complete -F _tdxctl tdxctl
