package graph

// FanOut gives the external tests the fragment fan-out query.
var FanOut = fanOut
