# bash completion for selfhelp                             -*- shell-script -*-
#
# The candidates come from the program itself: `selfhelp __complete line
# -- WORD...` knows the commands, sub-commands, options, topic names and
# grounding exercises of the version that is installed. It never opens
# the vault and never asks anything.

_selfhelp()
{
	local cmd=${COMP_WORDS[0]}
	[[ $cmd == "~"* ]] && cmd=$HOME${cmd#"~"}
	local -a words=()
	local i w joined=0
	# Words after "selfhelp" up to the cursor. "--opt=value" comes
	# split at '=' when '=' is in COMP_WORDBREAKS: join it again.
	for ((i = 1; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((${#words[@]} > 0)) &&
			[[ $w == "=" || ${words[-1]} == --*= ]] &&
			[[ ${words[-1]} == --* ]]; then
			words[-1]+=$w
			((i == COMP_CWORD)) && joined=1
		else
			words+=("$w")
		fi
	done
	((${#words[@]} > 0)) || words=("")
	local cur=${words[-1]}

	local out
	out=$(command "$cmd" __complete line -- "${words[@]}" 2>/dev/null) ||
		return 0

	COMPREPLY=()
	if [[ $out == ":files" ]]; then
		local value=$cur
		[[ $cur == --*=* ]] && value=${cur#*=}
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$value")
		return 0
	fi
	local line
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		line=${line%%$'\t'*}
		# bash replaces only the part after '=' of "--opt=value"
		((joined)) && line=${line#*=}
		COMPREPLY+=("$line")
	done <<<"$out"
	return 0
}
complete -F _selfhelp selfhelp
