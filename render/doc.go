// Package render writes everything procsnap shows a user: tables, paths, summaries. It is the
// only package that writes output, and it writes only to the io.Writer it is given.
package render
