package classify

import "fmt"

// budgetSpentThinking: a complete answer that stopped at its length limit with no answer text,
// after the model spent tokens reasoning. A reasoning model given too small a budget for its
// effort does this on every request (an o-series model at effort low can think past 256
// tokens), so it is our configuration, not the provider's failure: telling it apart from
// empty_response keeps a misconfigured target from raising false outages.
func budgetSpentThinking(o Outcome) bool {
	return o.ExpectAnswer && o.Content == 0 && o.FinishReason == "length" && o.Reasoning > 0
}

func answerBudgetExhausted(o Outcome) Classification {
	return Classification{Class: AnswerBudgetExhausted, Blame: BlameClient, ProviderCode: "length",
		Message: fmt.Sprintf("the answer budget ran out after %d reasoning token(s), before any answer (finish_reason length)", o.Reasoning)}
}
