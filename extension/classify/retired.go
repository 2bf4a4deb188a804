package classify

import "bytes"

// ModelRetired: the provider no longer serves the model because it reached its shutdown date
// (OpenAI answers 404 model_not_found "The model `…` has been deprecated"; Groq 400
// model_decommissioned). Our configuration's fault, never an outage: the advice says to move to
// the replacement (the probe adds which, from extension/lifecycle).
const ModelRetired Class = "model_retired"

func init() {
	advice[ModelRetired] = "the provider retired this model (past its shutdown date) — move the monitor to a current model; not an outage"
}

// retiredWords say, of a model that is not found, that it was shut down on purpose.
var retiredWords = [][]byte{[]byte("deprecated"), []byte("decommissioned"), []byte("retired"), []byte("shut down"),
	[]byte("shutdown"), []byte("sunset"), []byte("no longer available"), []byte("no longer supported"),
	[]byte("end of its life"), []byte("end-of-life"), []byte("end of life")}

// retired refines a model_not_found whose body says the model was retired.
func retired(o Outcome, c Classification) Classification {
	if c.Class != ModelNotFound {
		return c
	}
	if o.Status == 410 { // Gone: the model was there and was removed on purpose
		c.Class, c.Advice = ModelRetired, advice[ModelRetired]
		return c
	}
	body := bytes.ToLower(o.Body[:min(len(o.Body), blockScan)])
	for _, w := range retiredWords {
		if bytes.Contains(body, w) {
			c.Class, c.Advice = ModelRetired, advice[ModelRetired]
			return c
		}
	}
	return c
}
