"""Text shown through Markdown: escaping."""

from leadcoach.ui.text import md


def test_md_escapes_every_markup_character():
    assert md("Ann-Marie O.") == r"Ann\-Marie O\."
    assert md("*A* | _b_ [c](d) #1 <i> $x$ :smile: ~s~") == (
        r"\*A\* \| \_b\_ \[c\]\(d\) \#1 \<i\> \$x\$ \:smile\: \~s\~"
    )
