/** `sluice ci`: the whole CI/CD flow on a commit, its report, posting it, CI templates and triggers. */
export { CI_STEPS, ciExitCode, type CiData, type CiDataPointer, type CiDeployment, type CiDiff, type CiFailedTest, type CiGate, type CiInterval, type CiMetricInterval, type CiPipeline, type CiPlot, type CiRegistration, type CiResult, type CiStageRow, type CiStep, type CiStepName, type CiStepStatus, type CiTests, type CiTrainingDrift } from './ci-result.js';
export { describePostOutcome, detectProvider, POST_PROVIDERS, postCiReport, postFromEnvironment, REPORT_WATERMARK, STATUS_CONTEXT, type PostedComment, type PostedStatus, type PostOutcome, type PostProvider, type PostReport, type PostRequest, type RetryPolicy } from './post/index.js';
export { CI_TEMPLATE_PATHS, CI_TEMPLATE_PROVIDERS, ciTemplatePath, readProjectFacts, renderCiTemplate, writeCiTemplate, type CiTemplateProvider, type ProjectFacts, type SluicePackage, type WrittenTemplate } from './templates/index.js';
export { checkSchedule, watchBranch, type PollReport, type WatchOptions, type WatchSummary } from './watch/watch-loop.js';
export { CI_TRIGGER_ENV, childProcessRunner, type ChildRunnerOptions, type CiRunner, type CiRunOutcome, type CiRunRequest } from './watch/ci-runner.js';
export { STATE_FILE as WATCH_STATE_FILE, WATCH_TRIGGERS, type WatchTrigger } from './watch/watch-state.js';
export { observeBranch, type Observation } from './watch/observe.js';
export { watchBranchMissing, watchInvalidSchedule, watchStateInvalid, watchUncommittedChanges } from './watch/errors.js';
export { parseJUnitReport, readJUnitReport, type JUnitCounts, type JUnitReport } from './junit-report.js';
export { runCi, type CiOptions } from './ci-service.js';
export { CI_TAGS } from './ci-record.js';
export { DEFAULT_CI_ALIAS } from './register-step.js';
export { CI_TRIGGERS, parseCiTrigger } from './ci-trigger.js';
export { ciGateStageAmbiguous, ciModelNameUnknown, invalidCiTrigger, invalidJUnitReport } from './errors.js';
export { CI_REPORT_WATERMARK, ciCharts, ciReportFiles, mermaidChart, renderCiMarkdown, verdictLine, type CiChart, type CiChartSeries, type CiReportFile, type CiReportOptions } from './report/index.js';
