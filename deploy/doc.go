// Package deploy holds the Kubernetes manifests that run the monitor on a schedule from several
// locations with the k6-operator. It has no code of its own: its tests decode every manifest
// strictly into the Kubernetes API types (a misspelt field fails), check that the manifests agree
// with each other and with the repository, and run our k6 the way the operator's initializer and
// runner pods do. It is a module of its own so the extension does not depend on Kubernetes.
package deploy
