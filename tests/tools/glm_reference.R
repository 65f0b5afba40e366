# The independent reference for telrisk's logistic regression: R's glm on mtcars,
# glm(am ~ hp + wt, family = binomial), converged tightly. Writes the data and R's fit.
# usage: Rscript glm_reference.R OUTDIR
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
write.csv(mtcars[, c("am", "hp", "wt")], file.path(out, "mtcars.csv"), row.names = FALSE)
fit <- glm(am ~ hp + wt, family = binomial, data = mtcars,
           control = glm.control(epsilon = 1e-14, maxit = 100))
s <- summary(fit)$coefficients
ref <- data.frame(term = rownames(s), estimate = s[, 1], std_error = s[, 2], z = s[, 3], p_value = s[, 4])
write.csv(ref, file.path(out, "glm_coefficients.csv"), row.names = FALSE)
writeLines(sprintf("%.17g,%.17g,%.17g", deviance(fit), fit$null.deviance, AIC(fit)),
           file.path(out, "glm_deviance.csv"))
