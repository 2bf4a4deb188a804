package classify

// statusUnreadable: the status component's page answered 200 but is not a status page the
// monitor reads (an HTML app, a changed format). Reading it as up would switch the
// correlation with the provider's own word off in silence; it is our configuration (the
// statusURL), not the provider's outage.
func statusUnreadable(o Outcome) Classification {
	return Classification{Class: StatusUnreadable, Blame: BlameClient, Message: o.Err.Error()}
}
