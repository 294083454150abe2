# Reads the service as a statistician would, with rsdmx's SDMX 2.1 REST
# request builder: the dataflows, the data structure with its code lists,
# and data for each query of queries.csv (id,key,start,end; empty start or
# end for an open bound). Writes flows.csv, codes.csv and data.csv to the
# output directory for internal/server/rsdmx_test.go to compare with the
# GraphQL API.
# Usage: Rscript read.R BASE_URL QUERIES_CSV OUT_DIR
args <- commandArgs(trailingOnly = TRUE)
base <- args[1]
out <- args[3]
suppressPackageStartupMessages(library(rsdmx))
options(scipen = 100)

provider <- SDMXServiceProvider(
  agencyId = "AZ_MIA", name = "Anti-trafficking indicators",
  builder = SDMXREST21RequestBuilder(regUrl = base, repoUrl = base, compliant = TRUE)
)
addSDMXServiceProvider(provider)

flows <- as.data.frame(readSDMX(providerId = "AZ_MIA", resource = "dataflow", verbose = FALSE))
write.csv(flows[, c("id", "agencyID", "version", "dsdRef")], file.path(out, "flows.csv"), row.names = FALSE)

dsd <- readSDMX(providerId = "AZ_MIA", resource = "datastructure", resourceId = flows$dsdRef[1], verbose = FALSE)
lists <- slot(dsd, "codelists")
codes <- do.call(rbind, lapply(slot(lists, "codelists"), function(cl) {
  id <- slot(cl, "id")
  data.frame(codelist = id, code = as.data.frame(lists, codelistId = id)$id)
}))
write.csv(codes, file.path(out, "codes.csv"), row.names = FALSE)

queries <- read.csv(args[2], colClasses = "character")
frames <- lapply(seq_len(nrow(queries)), function(i) {
  q <- queries[i, ]
  start <- if (q$start == "") NULL else q$start
  end <- if (q$end == "") NULL else q$end
  sdmx <- readSDMX(providerId = "AZ_MIA", resource = "data", flowRef = flows$id[1],
                   key = q$key, key.mode = "SDMX", start = start, end = end, verbose = FALSE)
  cbind(query = q$id, as.data.frame(sdmx))
})
# An attribute no observation of a query has is no column of its frame:
# keep the columns every frame has (the key, obsTime, obsValue, …).
common <- Reduce(intersect, lapply(frames, names))
data <- do.call(rbind, lapply(frames, function(f) f[, common]))
write.csv(data, file.path(out, "data.csv"), row.names = FALSE)
