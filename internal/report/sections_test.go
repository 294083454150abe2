package report

import (
	"strings"
	"testing"

	"indicators/internal/dataset"
)

// layoutText has the shapes the 2024 report's text has: headings, a sentence
// cut by a page break, a repeated source credit, chart titles and values.
const layoutText = `

Introduction

This report covers 2024.

Prevention of Forced Labour

In 2024, efforts to strengthen the legal framework against trafficking in persons continued and the

Council of Europe Convention was prepared. Senior officers and

personnel from 58 departments took part.

Ministry of Internal Affairs of the Republic of Azerbaijan

**Traffickers prosecuted
2005-2024**

Ministry of Internal Affairs of the Republic of Azerbaijan

650

■ Male ■ Female

Ministry of Internal Affairs of the Republic of Azerbaijan

In accordance with Article 14-1.1 (“Recovery and Reflection Period”) of the Law “On Combating

Trafficking in Human Beings,” 7 victims were granted a period.
`

func TestLayout(t *testing.T) {
	text := NewText(layoutText)
	tests := []struct {
		name     string
		at       string // a phrase of the text
		section  string
		sentence string
	}{
		{"first heading", "covers", "Introduction", "This report covers 2024."},
		{"sentence across a page break", "Council", "Prevention of Forced Labour",
			"In 2024, efforts to strengthen the legal framework against trafficking in persons continued and the Council of Europe Convention was prepared."},
		{"page break inside a sentence started in lower case", "58", "Prevention of Forced Labour", "Senior officers and personnel from 58 departments took part."},
		{"bold two-line chart title, past a source credit", "650", "Traffickers prosecuted 2005-2024", "650"},
		{"a number in a heading stands under it", "2005", "Traffickers prosecuted 2005-2024", "**Traffickers prosecuted 2005-2024**"},
		{"a legend is no heading", "Female", "Traffickers prosecuted 2005-2024", "■ Male ■ Female"},
		{"an unclosed quotation is no heading", "victims", "Traffickers prosecuted 2005-2024",
			"In accordance with Article 14-1.1 (“Recovery and Reflection Period”) of the Law “On Combating Trafficking in Human Beings,” 7 victims were granted a period."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pos := strings.Index(text.norm, tc.at)
			if pos < 0 {
				t.Fatalf("%q not in the text", tc.at)
			}
			if got := text.section(pos); got != tc.section {
				t.Errorf("Section = %q, want %q", got, tc.section)
			}
			s := text.sentence(pos)
			if got := text.norm[s.start:s.end]; got != tc.sentence {
				t.Errorf("Sentence = %q, want %q", got, tc.sentence)
			}
		})
	}
}

func TestLine(t *testing.T) {
	text := NewText(layoutText)
	for _, tc := range []struct {
		at   string
		line int
	}{{"Introduction", 3}, {"650", 22}, {"Council", 11}, {"2005-2024", 18}} {
		if got := text.line(strings.Index(text.norm, tc.at)); got != tc.line {
			t.Errorf("Line(%q) = %d, want %d", tc.at, got, tc.line)
		}
	}
}

// TestBundledReportHeadings pins the headings read from the 2024 report:
// every section the curated dataset cites that the text has a heading for.
func TestBundledReportHeadings(t *testing.T) {
	text := NewText(dataset.BundledReport)
	headings := map[string]bool{}
	for _, b := range text.blocks {
		if b.kind == headingBlock {
			headings[b.title] = true
		}
	}
	for _, want := range []string{
		"Introduction", "Legislation, Prevention, Awareness-Raising, Training, and Capacity-Building",
		"International Cooperation", "Prevention of Forced Labour", "Criminal Prosecution and Work with Victims",
		"Outstanding Tasks", "Traffickers prosecuted 2005-2024", "Victims of Trafficking in Persons Identified 2005-2024",
		"Countries Where Victims of Trafficking in Persons Were Exploited",
	} {
		if !headings[want] {
			t.Errorf("heading %q not found", want)
		}
	}
	for _, notHeading := range []string{"Ministry of Internal Affairs of the Republic of Azerbaijan", "650", "1.441"} {
		if headings[notHeading] {
			t.Errorf("%q taken for a heading", notHeading)
		}
	}
}
