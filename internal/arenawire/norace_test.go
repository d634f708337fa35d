//go:build !race

package arenawire

const raceEnabled = false
