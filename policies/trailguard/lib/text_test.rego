package trailguard.lib.text_test

import data.trailguard.lib.text

test_first_lists_all_when_few if {
	text.first({"b", "a"}, 5) == "a; b"
}

test_first_cuts_and_counts_the_rest if {
	text.first({"c", "a", "d", "b"}, 2) == "a; b; and 2 more"
}

test_first_of_nothing_is_empty if {
	text.first(set(), 5) == ""
}

test_and_more_counts_what_was_not_shown if {
	text.and_more(["x", "y"], 5) == "x; y; and 3 more"
	text.and_more(["x", "y"], 2) == "x; y"
}
