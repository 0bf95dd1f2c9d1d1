import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IConfigFinding } from '../overlay/configChecks';
import { configFindingMessage } from '../workspace/messages';

/**
 * The props of the configuration files section.
 */
export interface IConfigFilesProps {
  /** `.thoth.yaml` and `.aicoe-ci.yaml`, and whether each exists. */
  files: { name: string; exists: boolean }[];
  findings: IConfigFinding[];
  onOpen: (name: string) => void;
  trans: TranslationBundle;
}

/**
 * `.thoth.yaml` and `.aicoe-ci.yaml` (hidden from the file browser): open
 * each, and what the tools that read them would miss.
 */
export function ConfigFilesView(props: IConfigFilesProps): JSX.Element {
  const { files, findings, onOpen, trans } = props;
  return (
    <section
      className="jp-OverlaysPanel-section jp-OverlaysPanel-configFiles"
      aria-labelledby="jp-OverlaysPanel-configFilesHeading"
    >
      <h3
        id="jp-OverlaysPanel-configFilesHeading"
        className="jp-OverlaysPanel-sectionTitle"
      >
        {trans.__('Configuration files')}
      </h3>
      <ul className="jp-OverlaysPanel-configFileList">
        {files.map(file => {
          const own = findings.filter(finding => finding.file === file.name);
          return (
            <li key={file.name} data-config-file={file.name}>
              <button
                className="jp-OverlaysPanel-configFileOpen"
                onClick={() => onOpen(file.name)}
                title={
                  file.exists
                    ? trans.__('Open %1 in an editor', file.name)
                    : trans.__('Create %1 in an editor', file.name)
                }
              >
                <code>{file.name}</code>
              </button>
              {!file.exists && (
                <span className="jp-OverlaysPanel-configFileState">
                  {trans.__('not created yet')}
                </span>
              )}
              {own.length > 0 && (
                <ul
                  className="jp-OverlaysPanel-configFindings"
                  aria-label={trans.__('What %1 lacks', file.name)}
                >
                  {own.map((finding, index) => (
                    <li key={index} data-finding={finding.kind}>
                      {configFindingMessage(trans, finding)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
