package classify

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"syscall"
)

// transport classifies a request that got no usable response: deadlines by stage, then DNS,
// refused, reset and TLS failures. All of them are "network" blame except a server that accepted
// the request and then never answered, which is the provider's.
func transport(o Outcome) Classification {
	c := Classification{Message: transportMessage(o.Err), Retryable: true}
	switch {
	case o.TimedOut && o.Stage == StageConnect:
		c.Class, c.Blame = TimeoutConnect, BlameNetwork
	case o.TimedOut && o.Stage == StageTTFB:
		c.Class, c.Blame = TimeoutTTFB, BlameProvider
	case o.TimedOut:
		c.Class, c.Blame = TimeoutTotal, BlameProvider
	case o.Stalled:
		c.Class, c.Blame = StreamStalled, BlameProvider
	case o.Stage == StageTTFB && (errors.Is(o.Err, io.EOF) || errors.Is(o.Err, io.ErrUnexpectedEOF) ||
		errors.Is(o.Err, syscall.ECONNRESET)):
		// The connection was up and the request sent; the server hung up instead of answering.
		c.Class, c.Blame = ServerError, BlameProvider
	default:
		c.Class, c.Blame = ConnectionError, BlameNetwork
	}
	return withAdvice(c)
}

// transportMessage names the failure briefly, without the URL (which may carry a key).
func transportMessage(err error) string {
	if err == nil {
		return ""
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "DNS: no such host " + dnsErr.Name
		}
		return "DNS lookup failed for " + dnsErr.Name
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr):
		return "TLS certificate rejected: " + bound(rootCause(err).Error())
	case errors.As(err, &recErr):
		return "TLS handshake failed: the server did not answer with TLS"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed unexpectedly"
	}
	return bound(rootCause(err).Error())
}

// rootCause drops wrappers such as *url.Error, whose text repeats the request URL.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		if _, ok := err.(*net.OpError); ok { // "dial tcp 127.0.0.1:1: connect: refused" is the useful level
			return err
		}
		err = u
	}
}
