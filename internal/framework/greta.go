package framework

import "indicators/internal/dataset"

// The statistics the Council of Europe's GRETA asks states for in its
// evaluation questionnaires: identified victims and their profile,
// investigations, prosecutions and convictions, compensation, recovery and
// reflection periods, residence permits and assisted returns. Each is mapped
// to the dataset indicator that measures it, or to the reason none does.
func gretaCells(cl *dataset.CodeLists, area dataset.RefArea) []Cell {
	victims := Target{Indicator: victimsIndicator}
	children, adults := ageGroups(cl)
	nationals, foreigners := homeAndAbroad(cl, dimCitizenship, area)
	internal, transnational := homeAndAbroad(cl, dimCountry, area)
	const identified = "Identified victims"
	cells := []Cell{
		{Statistic: identified, Target: victims},
		{Statistic: identified, Breakdown: "sex: female", Target: victims.with(dimSex, members(cl, dimSex, "F"))},
		{Statistic: identified, Breakdown: "sex: male", Target: victims.with(dimSex, members(cl, dimSex, "M"))},
		{Statistic: identified, Breakdown: "age: children (under 18)", Target: victims.with(dimAge, children)},
		{Statistic: identified, Breakdown: "age: adults (18 and over)", Target: victims.with(dimAge, adults)},
	}
	for _, f := range exploitationForms {
		cells = append(cells, Cell{Statistic: identified, Breakdown: "form of exploitation: " + f.Label,
			Target: victims.with(dimForm, members(cl, dimForm, f.Member))})
	}
	return append(cells,
		Cell{Statistic: identified, Breakdown: "citizenship: nationals", Target: victims.with(dimCitizenship, nationals)},
		Cell{Statistic: identified, Breakdown: "citizenship: foreign nationals", Target: victims.with(dimCitizenship, foreigners)},
		Cell{Statistic: identified, Breakdown: "exploitation: internal (in the country)", Target: victims.with(dimCountry, internal)},
		Cell{Statistic: identified, Breakdown: "exploitation: transnational (abroad)", Target: victims.with(dimCountry, transnational)},
		Cell{Statistic: "Investigations (criminal cases initiated)", Target: Target{Indicator: "criminal_cases_initiated"},
			Note: "cases on trafficking in persons, forced labour and related offences together"},
		Cell{Statistic: "Persons charged", Target: Target{Indicator: "persons_charged"}},
		Cell{Statistic: "Persons charged", Breakdown: "sex: female", Target: Target{Indicator: "persons_charged"}.with(dimSex, members(cl, dimSex, "F"))},
		Cell{Statistic: "Persons charged", Breakdown: "sex: male", Target: Target{Indicator: "persons_charged"}.with(dimSex, members(cl, dimSex, "M"))},
		Cell{Statistic: "Prosecutions (traffickers indicted)", Target: Target{Indicator: "traffickers_indicted"}},
		Cell{Statistic: "Convictions", Missing: "the report gives no court figures on convictions"},
		Cell{Statistic: "Victims who received compensation", Target: Target{Indicator: "victims_compensated"},
			Note: "the state's one-time financial compensation; the report gives no compensation ordered by courts or paid by offenders"},
		Cell{Statistic: "Compensation paid per victim (AZN)", Target: Target{Indicator: "compensation_per_victim"},
			Note: "the state's one-time financial compensation"},
		Cell{Statistic: "Victims granted a recovery and reflection period", Target: Target{Indicator: "victims_reflection_period"}},
		Cell{Statistic: "Victims accommodated in shelters", Target: Target{Indicator: "victims_sheltered"},
			Note: "the designated shelters of the Ministry of Internal Affairs"},
		Cell{Statistic: "Victims given legal aid", Target: Target{Indicator: "victims_legal_aid"},
			Note: "legal aid by members of the Bar Association, in investigation and in court"},
		Cell{Statistic: "Presumed (potential) victims supported", Target: Target{Indicator: "potential_victims_supported"},
			Note: "potential victims supported on citizen petitions and NGO referrals; not counted among identified victims"},
		Cell{Statistic: "Residence permits issued to victims", Missing: "the report gives no figure on residence permits for victims"},
		Cell{Statistic: "Assisted returns of victims", Target: Target{Indicator: "victims_assisted",
			Members: map[string][]string{"ASSISTANCE_TYPE": members(cl, "ASSISTANCE_TYPE", "REPATRIATION")}},
			Note: "victims assisted in repatriation"},
	)
}
