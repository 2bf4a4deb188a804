package probe

import "fmt"

// budgetMessage says which of our options a reasoning model's empty answer comes from: the
// answer budget sent and the reasoning effort, so the reader knows what to raise or lower.
func (t *Target) budgetMessage(model string, budget, reasoning int) string {
	effort := t.effort(model)
	if effort == "" {
		effort = "the model's default"
	}
	return fmt.Sprintf("the model spent %d token(s) reasoning and wrote no answer: the answer budget (maxTokens %d) ran out at reasoning effort %s (reasoningEffort) — raise maxTokens or lower reasoningEffort",
		reasoning, budget, effort)
}
