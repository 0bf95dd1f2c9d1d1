import { LabIcon } from '@jupyterlab/ui-components';

import overlaysSvgstr from '../style/icons/overlays.svg';

export const overlaysIcon = new LabIcon({
  name: 'jupyterlab-overlays:overlays',
  svgstr: overlaysSvgstr
});
