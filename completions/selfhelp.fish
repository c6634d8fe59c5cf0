# fish completion for selfhelp.
#
# The candidates come from the program itself: `selfhelp __complete line
# -- WORD...` knows the commands, sub-commands, options, topic names and
# grounding exercises of the version that is installed. It never opens
# the vault and never asks anything.

function __selfhelp_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmd $tokens[1]
    set -e tokens[1]
    set -l out (command $cmd __complete line -- $tokens $cur 2>/dev/null)
    or return
    if test "$out[1]" = ":files"
        set -l value (string replace -r -- '^--[^=]*=' '' $cur)
        set -l prefix (string match -r -- '^--[^=]*=' $cur)
        for f in (__fish_complete_path $value)
            printf '%s%s\n' "$prefix" $f
        end
        return
    end
    printf '%s\n' $out
end

complete -c selfhelp -f -a '(__selfhelp_complete)'
