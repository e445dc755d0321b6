# METADATA
# title: Message text
# description: |
#   Lists in finding messages: long ones are cut after a few items, so that
#   10,000 trails do not make a 10,000-item message.
package trailguard.lib.text

# first(strings, n) lists the first n of strings (a set or an array), sorted and
# joined with "; ", then says how many more there are:
# first({"c", "a", "b"}, 2) is "a; b; and 1 more".
first(strings, n) := and_more(array.slice(sort(strings), 0, n), count(strings))

# and_more(shown, total) joins the strings of the array shown with "; " and, when
# total is more than were shown, says how many more there are:
# and_more(["a", "b"], 5) is "a; b; and 3 more".
and_more(shown, total) := concat("; ", shown) if {
	total <= count(shown)
} else := sprintf("%s; and %d more", [concat("; ", shown), total - count(shown)])
