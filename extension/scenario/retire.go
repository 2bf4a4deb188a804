package scenario

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Retirement is a model the provider stops serving at At, as OpenAI does on a model's shutdown
// date: from then on requests naming it get 404 model_not_found "has been deprecated", and the
// models list gives it that day's shutdown_date.
type Retirement struct {
	Model string
	At    time.Duration
}

// RetiredAt reports whether model is retired at scenario time t.
func (s *Scenario) RetiredAt(model string, t time.Duration) bool {
	for _, r := range s.Retirements {
		if r.Model == model && t >= r.At {
			return true
		}
	}
	return false
}

func (p *parser) retirement(n *yaml.Node, path string, total time.Duration) Retirement {
	f := p.fields(n, path, "model", "at")
	r := Retirement{Model: p.str(f["model"], path+".model")}
	if r.Model == "" && p.err == nil {
		p.fail(n, path+".model", "required")
	}
	if len(r.Model) > 200 && p.err == nil {
		p.fail(f["model"], path+".model", "longer than 200 characters")
	}
	r.At = p.duration(f["at"], path+".at", false)
	if p.err == nil && total > 0 && r.At >= total {
		p.fail(f["at"], path+".at", "%v is not before the scenario's end (%v)", r.At, total)
	}
	return r
}

func (p *parser) retirements(n *yaml.Node, s *Scenario) {
	p.list(n, "retirements", func(i int, e *yaml.Node) {
		s.Retirements = append(s.Retirements, p.retirement(e, fmt.Sprintf("retirements[%d]", i), s.Duration))
	})
}
