package report

import (
	"strings"
	"testing"

	"indicators/internal/dataset"
)

// TestClassifyByMeaning pins how extract files figures with the curated 2024
// file as codes: by the words that state them, never by their place in a
// list; with proposals for what the codes do not know; with restatements
// folded. Each case gives, per figure, "value indicator {breakdown}", with
// NEW_ / new_ for a proposed member or indicator and "value also indicator"
// for a figure folded into an earlier observation.
func TestClassifyByMeaning(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"an item inserted in a list moves no other item",
			"In 2025, the Ministry of Science and Education trained 240 social pedagogues assigned to general education schools; the State Labour Inspectorate Service trained 45 labour inspectors; and the Ministry of Youth and Sports provided training to 175 young individuals.",
			[]string{"240 persons_trained {TRAINING_AUDIENCE=SOCIAL_PEDAGOGUES}", "45 persons_trained {TRAINING_AUDIENCE=NEW_LABOUR_INSPECTORS}", "175 persons_trained {TRAINING_AUDIENCE=YOUNG_PEOPLE}"}},
		{"a new country of exploitation, a member carried over, a chart legend folded",
			"Of these, 51 were subjected to sexual exploitation in the Republic of Türkiye, 6 in the Russian Federation, and 1 was subjected to labour exploitation within the country.\n\nCountries Where Victims Were Exploited\n\nTurkiye - 51 ■ Russian Federation - 6 ■ Azerbaijan Republic - 1",
			[]string{"51 victims_identified {COUNTRY_OF_EXPLOITATION=TUR;FORM_OF_EXPLOITATION=SEXUAL}",
				"6 victims_identified {COUNTRY_OF_EXPLOITATION=NEW_RUSSIAN_FEDERATION;FORM_OF_EXPLOITATION=SEXUAL}",
				"1 victims_identified {COUNTRY_OF_EXPLOITATION=AZE;FORM_OF_EXPLOITATION=LABOUR}", "51 also victims_identified", "6 also victims_identified", "1 also victims_identified"}},
		{"a proposed country is named by its proper name, and a legend naming it shorter is folded",
			"In 2025, 62 victims were identified. By country of exploitation, 51 victims were exploited in Türkiye, 6 victims were exploited in the Russian Federation, 3 in the Kingdom of Bahrain and 2 in Qatar.\n\nCountries Where Victims Were Exploited\n\nTurkiye - 51 ■ Russian Federation - 6 ■ Bahrain - 3 ■ Qatar - 2",
			[]string{"62 victims_identified {}", "51 victims_identified {COUNTRY_OF_EXPLOITATION=TUR}", "2 victims_identified {COUNTRY_OF_EXPLOITATION=QAT}",
				"6 victims_identified {COUNTRY_OF_EXPLOITATION=NEW_RUSSIAN_FEDERATION}", "3 victims_identified {COUNTRY_OF_EXPLOITATION=NEW_KINGDOM_OF_BAHRAIN}",
				"51 also victims_identified", "6 also victims_identified", "3 also victims_identified", "2 also victims_identified"}},
		{"a list's year that is also its period names a member of the years the item beside it is broken down by",
			"In 2025, 84 victims were identified. Seventy had been exploited between 2016 and 2024, and fourteen in 2025.",
			[]string{"84 victims_identified {}", "70 victims_identified {PERIOD_OF_EXPLOITATION=NEW_EXPLOITED_BETWEEN_2016_AND}", "14 victims_identified {PERIOD_OF_EXPLOITATION=NEW_2025}"}},
		{"the year of a figure's period names a member beside the sentence before it",
			"In 2025, 102 victims were identified. For 81 victims the exploitation had begun earlier (between 2017 and 2024); the other 21 were exploited during 2025 only.",
			[]string{"102 victims_identified {}", "81 victims_identified {PERIOD_OF_EXPLOITATION=NEW_VICTIMS_THE_EXPLOITATION_HAD}", "21 victims_identified {PERIOD_OF_EXPLOITATION=NEW_2025}"}},
		{"a list that goes on in another dimension; a homonym dropped by its dimension's name; a figure opening its sentence counts the paragraph's",
			"In 2025 the police identified 102 victims of trafficking in persons. Ninety-four were women and eight were men; 99 were citizens of Azerbaijan and three were foreign nationals, citizens of Uzbekistan.",
			[]string{"102 victims_identified {}", "94 victims_identified {SEX=F}", "8 victims_identified {SEX=M}", "99 victims_identified {CITIZENSHIP=AZE}", "3 victims_identified {CITIZENSHIP=NEW_FOREIGN_NATIONALS}"}},
		{"parts said of a figure, or in its bracket after its change, are its breakdown",
			"In 2025, 93 victims were identified: 89 women and four men.\n\nResults of the specialized police unit:\n• persons charged — 18 (+2), of them 14 women and 4 men;\n• persons held criminally liable — 15 (+1; 12 women, 3 men).",
			[]string{"93 victims_identified {}", "89 victims_identified {SEX=F}", "4 victims_identified {SEX=M}",
				"18 persons_charged {}", "14 persons_charged {SEX=F}", "4 persons_charged {SEX=M}",
				"15 persons_held_liable {}", "12 persons_held_liable {SEX=F}", "3 persons_held_liable {SEX=M}"}},
		{"a member of a short code list the indicator is always broken down by, from the word of its sentence nearest to the figure",
			"Work permits were issued, at the request of the State Migration Service, to 4,380 foreign nationals and extended for 5,240.",
			[]string{"4380 work_permits {WORK_PERMIT_ACTION=ISSUED}", "5240 work_permits {WORK_PERMIT_ACTION=EXTENDED}"}},
		{"of two indicators of one kind that fit nearly as well, the one whose own name's words the figure's words use",
			"Vocational guidance was given to 70 children deprived of parental care (aged 15 to 18); 19 of them were referred to job interviews and 13 to Regional Employment Branches.",
			[]string{"70 children_vocational_guidance {}", "19 children_employment_referrals {EMPLOYMENT_REFERRAL=JOB_INTERVIEW}", "13 children_employment_referrals {EMPLOYMENT_REFERRAL=REGIONAL_EMPLOYMENT_BRANCH}"}},
		{"a number in words is a value, not a word naming an indicator",
			"In 2025, 93 victims were identified. Age of the victims: under 18 — two; 18–25 — 14; 25–35 — 45; over 35 — 32.\n\nForced Labour\n\nIn two cases of employment of persons under the age of 15, fines were imposed.",
			[]string{"93 victims_identified {}", "2 victims_identified {AGE=NEW_UNDER_18_TWO_18}", "14 victims_identified {AGE=Y18T25}", "45 victims_identified {AGE=Y25T35}", "32 victims_identified {AGE=Y_GT35}",
				"2 labour_violation_cases {LABOUR_VIOLATION=EMPLOYMENT_UNDER_15}"}},
		{"a member named whole by a figure's own words is its, not the one of the words it shares with the next figure",
			"At the Academy of Justice, 29 lawyers, 41 judges and 16 prosecutorial staff members attended courses on the rights of victims.",
			[]string{"29 persons_trained {TRAINING_AUDIENCE=LAWYERS}", "41 persons_trained {TRAINING_AUDIENCE=JUDGES}", "16 persons_trained {TRAINING_AUDIENCE=PROSECUTORIAL_STAFF}"}},
		{"a figure naming no noun counts the noun it is a part of, or its passive clause's subject; a case opened is initiated",
			"The specialized police unit detected 158 (-3) acts of trafficking in persons. Criminal cases were opened on 17 (+2) of these facts, and 19 persons were charged.\n\nChildren\n\nThe parents of 49 children were given legal assistance to establish birth facts in court.",
			[]string{"158 offences_detected {OFFENCE_TYPE=TIP}", "17 criminal_cases_initiated {OFFENCE_TYPE=TIP}", "19 persons_charged {}", "49 children_birth_fact_legal_assistance {}"}},
		{"a member is lent by the paragraph only beside members of dimensions the codes combine with it",
			"Inspections of the State Labour Inspectorate Service on citizens' complaints found 741 (+65) persons working without an employment contract; employers were fined 2,880,000 (+237,000) manats in total. In four cases of employment of children under 15 fines of 5,000 manats were imposed.",
			[]string{"741 workers_without_contract {INSPECTION_TYPE=COMPLAINT_BASED}", "2880000 administrative_fines_amount {INSPECTION_TYPE=COMPLAINT_BASED}",
				"4 labour_violation_cases {LABOUR_VIOLATION=EMPLOYMENT_UNDER_15}", "5000 administrative_fines_amount {LABOUR_VIOLATION=EMPLOYMENT_UNDER_15}"}},
		{"the clause leading into a figure by a preposition is its own, not the figure's before it",
			"The Assistance Center for Victims of Trafficking gave legal assistance to 17 victims and psychological support to 40.",
			[]string{"17 assistance_center_victims_assisted {ASSISTANCE_TYPE=LEGAL}", "40 assistance_center_victims_assisted {ASSISTANCE_TYPE=PSYCHOLOGICAL}"}},
		{"a name in quotation marks the code list lacks, written as its members are, is a new member of the list's dimension",
			"Public unions took in 35 referred victims. The “Sails of Hope” Public Union sheltered 8 of them, the “Women’s Initiative and Support for Social Problems” Public Union 7, and the newly accredited “Bright Path” Public Union 6.",
			[]string{"35 victims_referred_to_ngos {}", "8 victims_referred_to_ngos {REFERRAL_ORGANISATION=NGO_SAILS_OF_HOPE}", "7 victims_referred_to_ngos {REFERRAL_ORGANISATION=NGO_WOMENS_INITIATIVE}",
				"6 victims_referred_to_ngos {REFERRAL_ORGANISATION=NEW_BRIGHT_PATH_PUBLIC_UNION}"}},
		{"an item of a list whose other items are of one indicator is of it too, not of another kind its lead line suggests, with a proposed member",
			"Other trainings on the identification and referral of victims (trainees in brackets):\n• social pedagogues assigned to general education schools — Ministry of Science and Education (233);\n• young individuals — Ministry of Youth and Sports (181);\n• family physicians and nurses of primary health care centres — Ministry of Health (95), trained for the first time;\n• volunteers from ASAN Service Centers (at least 65);\n• supervisory personnel at border crossing points — State Customs Committee (154).",
			[]string{"233 persons_trained {TRAINING_AUDIENCE=SOCIAL_PEDAGOGUES}", "181 persons_trained {TRAINING_AUDIENCE=YOUNG_PEOPLE}", "95 persons_trained {TRAINING_AUDIENCE=NEW_FAMILY_PHYSICIANS_AND_NURSES}",
				"65 persons_trained {TRAINING_AUDIENCE=ASAN_VOLUNTEERS}", "154 persons_trained {TRAINING_AUDIENCE=CUSTOMS_PERSONNEL}"}},
		{"a member a figure's own words name whole favours the indicators broken down by its dimension",
			"Other trainings on the identification and referral of victims (trainees in brackets):\n• social pedagogues assigned to general education schools — Ministry of Science and Education (233);\n• employees of the State Migration Service (seventy-eight);\n• volunteers from ASAN Service Centers (at least 65).\n\nChildren\n\nTwenty-nine graduates of state childcare institutions were enrolled in vocational training programmes.",
			[]string{"233 persons_trained {TRAINING_AUDIENCE=SOCIAL_PEDAGOGUES}", "78 persons_trained {TRAINING_AUDIENCE=MIGRATION_SERVICE_STAFF}", "65 persons_trained {TRAINING_AUDIENCE=ASAN_VOLUNTEERS}",
				"29 care_leavers_vocational_training {}"}},
		{"the member of a short code list the figure's own words name before the nearest word of its sentence",
			"The Ministry of Internal Affairs handed out 8,200 brochures to State institutions. Seminars reached 34 vocational education institutions, and some 3,400 brochures were given to the seminar participants.",
			[]string{"8200 brochures_distributed {BROCHURE_RECIPIENT=STATE_INSTITUTIONS}", "34 vocational_institutions_seminars {}", "3400 brochures_distributed {BROCHURE_RECIPIENT=SEMINAR_PARTICIPANTS}"}},
		{"a figure counting another kind than an earlier one of the same value restates nothing",
			"The specialized police unit detected two (+1) acts of forced labour in 2025.\n\nForced Labour\n\nThe operational-search measures of the Main Department uncovered two (+1) cases of forced labour, on which two (+1) criminal cases were opened.",
			[]string{"2 offences_detected {OFFENCE_TYPE=FORCED_LABOUR}", "2 also offences_detected", "2 criminal_cases_initiated {OFFENCE_TYPE=FORCED_LABOUR}"}},
		{"a figure its clause only joins by a preposition is said of the clause before",
			"In 2025, 93 victims were identified. First among the countries of exploitation was again the Republic of Türkiye, with 55 victims; the United Arab Emirates followed with 31.",
			[]string{"93 victims_identified {}", "55 victims_identified {COUNTRY_OF_EXPLOITATION=TUR}", "31 victims_identified {COUNTRY_OF_EXPLOITATION=ARE}"}},
		{"a member is named by the name its description gives it in brackets",
			"In 2025, 102 victims were identified. Baku was home to 23 of the victims.",
			[]string{"102 victims_identified {}", "23 victims_identified {REGION_OF_RESIDENCE=CAPITAL}"}},
		{"an -ised word right after a figure qualifies its noun, which it counts",
			"Grants of 158,000 manats were awarded to 12 specialised NGOs by the Agency for State Support to Non-Governmental Organizations.",
			[]string{"158000 ngo_grants_allocated {}", "12 ngos_receiving_grants {}"}},
		{"the only figure of an item set out one a line has the item's words, commas and all",
			"Other audiences trained in 2025 (number of participants, training body):\n- supervisory staff at border crossing points, State Customs Committee: 149\n- employees of the State Migration Service: eighty-one\n- ASAN Service Centers volunteers: 70",
			[]string{"149 persons_trained {TRAINING_AUDIENCE=CUSTOMS_PERSONNEL}", "81 persons_trained {TRAINING_AUDIENCE=MIGRATION_SERVICE_STAFF}", "70 persons_trained {TRAINING_AUDIENCE=ASAN_VOLUNTEERS}"}},
		{"two words of a member's name side by side, as the name writes them, name it",
			"In 2025, 102 victims were identified. Seventy-one of the victims had been sexually exploited, 26 exploited for their labour and five for forced begging.",
			[]string{"102 victims_identified {}", "71 victims_identified {FORM_OF_EXPLOITATION=SEXUAL}", "26 victims_identified {FORM_OF_EXPLOITATION=LABOUR}", "5 victims_identified {FORM_OF_EXPLOITATION=CRIMINAL_BEGGING_OTHER}"}},
		{"a noun shared by two figures",
			"It draws on data from 30 central and 71 local executive authorities.",
			[]string{"30 contributing_bodies {CONTRIBUTOR_TYPE=CENTRAL_EXECUTIVE}", "71 contributing_bodies {CONTRIBUTOR_TYPE=LOCAL_EXECUTIVE}"}},
		{"age bands by their numbers, the bounds no figures",
			"In 2025, 95 victims were identified. Among the victims, 14 were aged between 18 and 25, 50 between 25 and 35, and 31 were over 35 years old.",
			[]string{"95 victims_identified {}", "14 victims_identified {AGE=Y18T25}", "50 victims_identified {AGE=Y25T35}", "31 victims_identified {AGE=Y_GT35}"}},
		{"a measure rules out counts and counts a measure",
			"Furthermore, 88 (-10) victims and potential victims received material assistance totaling 5,050 (-250) manats from the Aid Fund.",
			[]string{"88 material_assistance_recipients {}", "5050 material_assistance_amount {}"}},
		{"a figure naming no noun counts what the figure before it counts",
			"Monitoring teams found 64 children in street situations; 50 of them were visited in their families and 3 were placed in the shelter of the Agency.",
			[]string{"64 street_children_identified {}", "50 street_children_visited {}", "3 street_children_placed {CHILD_PLACEMENT=AGENCY_SHELTER}"}},
		{"a figure stated as what its subject amounts to counts the subject",
			"Criminal cases initiated on the detected acts totalled 12 (-3); 17 persons were charged.",
			[]string{"12 criminal_cases_initiated {}", "17 persons_charged {}"}},
		{"a noun phrase the codes count as another kind than its head; a restatement has its change",
			"Operational-search measures established one (+1) case of forced labour, and one (-2) criminal case was initiated on it.\n\nOffences Detected by the Police\n\nThe police detected 1 (+1) act of forced labour.",
			[]string{"1 offences_detected {OFFENCE_TYPE=FORCED_LABOUR}", "1 criminal_cases_initiated {OFFENCE_TYPE=FORCED_LABOUR}", "1 also offences_detected"}},
		{"the complement of a noun may count the noun",
			"Thanks to the outreach, the births of 19 children were registered, and the parents of 40 children received legal assistance to establish birth facts in court.",
			[]string{"19 births_registered {}", "40 children_birth_fact_legal_assistance {}"}},
		{"a figure whose best guess is taken and whose noun the codes do not know is proposed",
			"Calls received on the “152” Hotline numbered 9,100, and its online chat answered 870 messages.",
			[]string{"9100 hotline_calls {}", "870 new_messages {}"}},
		{"a figure in brackets after what it counts",
			"The Academy of Justice held courses for judges (twenty), lawyers (12) and prosecutorial staff members (nine).",
			[]string{"20 persons_trained {TRAINING_AUDIENCE=JUDGES}", "12 persons_trained {TRAINING_AUDIENCE=LAWYERS}", "9 persons_trained {TRAINING_AUDIENCE=PROSECUTORIAL_STAFF}"}},
		{"a kind of figure the codes do not know is proposed",
			"The new shelter opened in Ganja provides 40 beds for victims of trafficking.",
			[]string{"40 new_beds {}"}},
		{"a noun the codes never count, guessed from that word alone, is a new kind of figure",
			"National television and radio aired 52 programmes on the subject.",
			[]string{"52 new_programmes {}"}},
		{"a part of a proposed figure is proposed with it, and takes no known indicator's key",
			"Officers from 62 district and city police departments took specialized in-service courses. Officers of the Main Department took part in 31 international and domestic events, 12 of them online.\n\nForced Labour\n\nThe Ministry held 171 events on labour rights and the prevention of forced labour, with 15,900 employers and their representatives taking part.",
			[]string{"62 police_departments_trained {}", "31 new_international_and_domestic_events {}", "12 new_international_and_domestic_events_2 {}", "171 labour_rights_events {}", "15900 labour_rights_event_participants {}"}},
		{"a part and its whole",
			"Through regular monitoring, 70 out of 95 identified children in street situations were visited in their families.",
			[]string{"70 street_children_visited {}", "95 street_children_identified {}"}},
		{"the counted noun rules out another unit: employees are no events",
			"The Ministry of Health held courses for 52 employees of polyclinics on assisting victims.",
			[]string{"52 persons_trained {}"}},
		{"a member completed from the sentence before",
			"Awareness-raising seminars took place in 12 vocational education institutions. About 1,500 brochures were handed to participants.",
			[]string{"12 vocational_institutions_seminars {}", "1500 brochures_distributed {BROCHURE_RECIPIENT=SEMINAR_PARTICIPANTS}"}},
		{"a member named whole beats one whose bracketed body the sentence names",
			"The State Labour Inspectorate Service conducted 25 on-site inspections at construction sites.",
			[]string{"25 labour_inspections {INSPECTION_TYPE=ONSITE_CONSTRUCTION}"}},
		{"an item of a list set out one a line is read alone; the list goes on over its lines",
			"Victims referred to public unions: 40 in total —\n“Sails of Hope” Public Union: 9\n“Clean World: Assistance to Women” Public Union: 17\n“Light of the Future” Public Union: 14",
			[]string{"40 victims_referred_to_ngos {}", "9 victims_referred_to_ngos {REFERRAL_ORGANISATION=NGO_SAILS_OF_HOPE}", "17 victims_referred_to_ngos {REFERRAL_ORGANISATION=NGO_CLEAN_WORLD}", "14 victims_referred_to_ngos {REFERRAL_ORGANISATION=NEW_LIGHT_OF_THE_FUTURE}"}},
		{"a number in a name's word names the member by its words",
			"Public unions sheltered 20 referred victims in all: “Women of the 21st Century” 6, “Sails of Hope” 14.",
			[]string{"20 victims_referred_to_ngos {}", "6 victims_referred_to_ngos {REFERRAL_ORGANISATION=NGO_WOMEN_21ST_CENTURY}", "14 victims_referred_to_ngos {REFERRAL_ORGANISATION=NGO_SAILS_OF_HOPE}"}},
		{"a figure after its label counts what the label names",
			"In 2025, 93 victims were identified. Residence: the capital city, 21; other cities and regions of the Republic, 72.",
			[]string{"93 victims_identified {}", "21 victims_identified {REGION_OF_RESIDENCE=CAPITAL}", "72 victims_identified {REGION_OF_RESIDENCE=OTHER}"}},
		{"numbers heading the rows of a table are labels, not figures",
			"In 2025, 93 victims were identified. Age of the victims: 18–25 — 14; 25–35 — 45; over 35 — 32.",
			[]string{"93 victims_identified {}", "14 victims_identified {AGE=Y18T25}", "45 victims_identified {AGE=Y25T35}", "32 victims_identified {AGE=Y_GT35}"}},
		{"a label's noun is what its figure counts",
			"Results of the specialized police unit:\n• criminal cases completed — 12 (-1);\n• persons held criminally liable — 15 (+1).",
			[]string{"12 criminal_cases_completed {}", "15 persons_held_liable {}"}},
		{"a qualifier in the bracket of a figure after its noun",
			"Trainings were held for volunteers from ASAN Service Centers (at least 65) and representatives of the tourism industry (more than 215).",
			[]string{"65 persons_trained {TRAINING_AUDIENCE=ASAN_VOLUNTEERS}", "215 persons_trained {TRAINING_AUDIENCE=TOURISM_REPRESENTATIVES}"}},
		{"what an item names before its colon holds for each of its figures",
			"Labour inspections in 2025:\n• inspections on citizens' complaints by the State Labour Inspectorate Service: 702 (+26) persons found employed without an employment contract; fines of 2,710,000 (+67,000) manats.",
			[]string{"702 workers_without_contract {INSPECTION_TYPE=COMPLAINT_BASED}", "2710000 administrative_fines_amount {INSPECTION_TYPE=COMPLAINT_BASED}"}},
		{"figures stated respectively count the items named before them",
			"The Academy of Justice trained judges, lawyers and prosecutorial staff members: 39, 33 and 12 respectively.",
			[]string{"39 persons_trained {TRAINING_AUDIENCE=JUDGES}", "33 persons_trained {TRAINING_AUDIENCE=LAWYERS}", "12 persons_trained {TRAINING_AUDIENCE=PROSECUTORIAL_STAFF}"}},
		{"a percentage of a stated figure is proposed, not filed as the codes file's percentages",
			"Calls to the “152” Hotline numbered 10,480; 12 percent of them came from callers under 18.",
			[]string{"10480 hotline_calls {}", "12 new_share_percent_of_them {}"}},
		{"a percentage of what a count before it counts is proposed; one after a percentage is not a share",
			"The Hotline received some 11,300 calls, all of which were investigated; roughly 18 percent of the callers were under 18.\n\nContext\n\nForced labour victims went up by 38 percent between 2019 and 2022, yet in 2022 just 16 percent of convictions concerned forced labour.",
			[]string{"11300 hotline_calls {}", "18 new_share_percent_of_the {}", "38 forced_labour_victims_change_pct {}", "16 convictions_share_by_form_pct {FORM_OF_EXPLOITATION=LABOUR}"}},
		{"a figure alone after a label whose noun the codes never use is proposed",
			"Awareness-raising in 2025:\n– television and radio programmes on trafficking broadcast by national channels: 48.",
			[]string{"48 new_television {}"}},
		{"the qualifier before a figure after its label is the figure's",
			"Awareness-raising in 2025:\n– brochures handed to relevant State institutions: around 6,450.",
			[]string{"6450 brochures_distributed {BROCHURE_RECIPIENT=STATE_INSTITUTIONS}"}},
	}
	codes := bundled(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := NewText("Criminal Prosecution and Work with Victims\n\n" + tc.text)
			_, ds := draft(t, text, codes, ExtractOptions{Year: 2025})
			var got []string
			for _, o := range ds.Observations {
				if o.Status != dataset.Reported {
					continue
				}
				got = append(got, dataset.FormatValue(o.Value)+" "+o.Indicator+" {"+dataset.CoordinateKey(o.Coordinates)+"}")
				for range o.AlsoStated {
					got = append(got, dataset.FormatValue(o.Value)+" also "+o.Indicator)
				}
			}
			if g, w := strings.Join(sortedFigures(got), "\n"), strings.Join(sortedFigures(tc.want), "\n"); g != w {
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}

// sortedFigures orders "value …" lines so that an also: place, which the
// draft lists with its observation, compares whatever the order.
func sortedFigures(lines []string) []string {
	out := append([]string(nil), lines...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestStem pins that the stemmer makes a verb and its noun meet.
func TestStem(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"a verb and its plural noun", "charged", "charges"},
		{"a verb and its noun in -ment", "employed", "employment"},
		{"a participle and its agent's verb", "prosecuted", "prosecute"},
		{"plural and singular", "offences", "offence"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if stem(tc.a) != stem(tc.b) {
				t.Errorf("stem(%q) = %q, stem(%q) = %q", tc.a, stem(tc.a), tc.b, stem(tc.b))
			}
		})
	}
}
