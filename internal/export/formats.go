package export

import (
	"context"
	"io"

	"indicators/internal/framework"
)

// Formats is every export format, in the order the README lists them. A new
// format is one entry here and its Write function in a file of its own.
var Formats = []Format{
	{
		Name:        "observations.csv",
		ContentType: "text/csv; charset=utf-8",
		Description: "Tidy CSV: one observation a row, one column per dimension (empty = total), with the source quote; lang= gives indicator_name in az or ru, and an indicator_name_lang column saying which language each name is in.",
		Write:       writeTidyCSV,
		Labels:      true,
	},
	{
		Name:        "sdmx.csv",
		ContentType: "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8",
		Description: "SDMX-CSV 1.0 of the " + DataflowRef() + " dataflow: DATAFLOW, one column per dimension (_T for totals), OBS_VALUE, then the attributes.",
		Write:       writeSDMXCSV,
	},
	{
		Name:        "sdmx.json",
		ContentType: "application/vnd.sdmx.data+json; version=2.0.0; charset=utf-8",
		Description: "SDMX-JSON 2.0 data message of the " + DataflowRef() + " dataflow: meta, data.structures (values with ids and names), data.dataSets with observation keys as index strings.",
		Write:       writeSDMXJSON,
	},
	{
		Name: "structure.json",
		// The issue that asked for the data structure definition named it
		// /export/structure.
		Aliases:     []string{"structure"},
		ContentType: "application/vnd.sdmx.structure+json; version=2.0.0; charset=utf-8",
		Description: "SDMX-JSON 2.0 structure message: the " + DataflowRef() + " dataflow, its data structure definition, concept scheme and code lists (filters do not narrow it).",
		Write:       writeStructure,
	},
	{
		Name:        "glotip.csv",
		ContentType: "text/csv; charset=utf-8",
		Description: "UNODC Global Report (GLOTIP) layout: iso3,country,region,subregion,indicator,dimension,category,sex,age,year,unit,txtVALUE,source; only cells the dataset states or adds up exactly.",
		Write:       writeGLOTIP,
	},
	{
		Name:        "sdg-16-2-2.csv",
		ContentType: "text/csv; charset=utf-8",
		Description: "SDG 16.2.2 series VC_HTF_DETV, _DETVSX, _DETVFL, _DETVOP by SEX and AGE with M49 REF_AREA; the per-100,000 rates (…R series) when a population figure is loaded.",
		Write:       writeSDG,
	},
	coverageFormat(framework.GRETA),
	coverageFormat(framework.GLOTIP),
	coverageFormat(framework.SDG1622),
}

// coverageFormat is the coverage table of one framework as a CSV export.
func coverageFormat(fw framework.Framework) Format {
	return Format{
		Name:        fw.Name + "-coverage.csv",
		ContentType: "text/csv; charset=utf-8",
		Description: "Coverage of the " + fw.Title + " statistics: each cell with its value and provenance, or \"" + NotAvailable + "\" and why.",
		Write: func(ctx context.Context, w io.Writer, in Input) error {
			return writeCoverage(ctx, w, in, fw)
		},
	}
}

// formatsByName finds a format by its name or an alias.
var formatsByName = func() map[string]Format {
	m := make(map[string]Format, len(Formats))
	for _, f := range Formats {
		m[f.Name] = f
		for _, a := range f.Aliases {
			m[a] = f
		}
	}
	return m
}()
