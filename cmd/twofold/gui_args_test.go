package main

import "testing"

func TestWantsGUI(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"gui"}, true},
		{[]string{"gui", "--vault", "x.kdbx"}, true},
		{[]string{"--vault", "x.kdbx"}, true},
		{[]string{"--vault=x.kdbx"}, true},
		{[]string{"--vault", "x.kdbx", "gui"}, true},
		{[]string{"--vault"}, false},
		{[]string{"codes"}, false},
		{[]string{"--vault", "x.kdbx", "codes"}, false},
		{[]string{"help"}, false},
		{[]string{"--keyfile", "k", "list"}, false},
	} {
		if got := wantsGUI(tc.args); got != tc.want {
			t.Errorf("wantsGUI(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
